import type { RecordGate, RecordRepository } from '@dougong/db';
import { duplicateKey, type EntityModel, type Field } from '@dougong/schema';
import { matchKey } from './import-cells.js';

/** How an import recognises a row's existing record: the row's key, and the record it matches. */
export interface ImportMatcher {
  /** The row's key ('' when the row leaves it empty): equal keys are duplicates within the file. */
  key(payload: Readonly<Record<string, unknown>>): string;
  /** The readable live record the row matches, if any. */
  find(payload: Readonly<Record<string, unknown>>): Promise<{ id: string; version: number } | null>;
  /** What {@link find} answers for many rows' keys at once (one query): key → match, none for no match. */
  findAll(keys: readonly string[]): Promise<Map<string, { id: string; version: number }>>;
}

/**
 * The matcher `matchOn` names: a mapped field (its value trimmed and case-folded, a phone by its digits)
 * or one of the entity's duplicate rules whose fields the mapping fills (its own normalisation: a
 * similar company name, an e-mail, …). Undefined when `matchOn` names neither.
 *
 * @example importMatcher(repo, account, 'by_name', columns, gate)?.find({ name: '上海 华东机械股份有限公司' })
 */
export function importMatcher(
  repo: RecordRepository,
  model: EntityModel,
  matchOn: string | undefined,
  columns: ReadonlyArray<{ field: Field }>,
  gate: RecordGate,
): ImportMatcher | undefined {
  if (matchOn === undefined) return undefined;
  const field = columns.find((c) => c.field.key === matchOn)?.field;
  if (field) {
    const key = (payload: Readonly<Record<string, unknown>>) =>
      payload[field.key] === undefined ? '' : matchKey(field, payload[field.key]);
    return {
      key,
      find: (payload) => repo.findMatch(model, field, key(payload), gate),
      findAll: (keys) => repo.findMatches(model, field, keys, gate),
    };
  }
  const rule = model.entity.duplicateRules?.find((r) => r.id === matchOn);
  const mapped = new Set(columns.map((c) => c.field.id));
  if (!rule?.fields.every((id) => mapped.has(id))) return undefined;
  return {
    key: (payload) => duplicateKey(model, rule, payload) ?? '',
    find: (payload) => repo.findRuleMatch(model, rule, payload, gate),
    findAll: (keys) => repo.findRuleMatches(model, rule, keys, gate),
  };
}
