import { type DuplicateRule, duplicateKey, type EntityModel, type Field } from '@dougong/schema';
import { sql } from 'kysely';
import { storedKey } from './duplicate-index.js';
import { RECORD_ALIAS as ALIAS, type RecordGate } from './record-gate.js';
import type { RecordReader } from './record-reader.js';

/**
 * The first live record the gate lets the caller read whose `field` matches `key` in its normalised
 * form (trimmed, case-insensitive; a phone by its digits without +86), for duplicate checks on import.
 * `key` must already be normalised the same way.
 *
 * @example await findMatch(reader, lead, mobileField, '13800138000', gate) // { id, version } | null
 */
export async function findMatch(
  reader: RecordReader,
  model: EntityModel,
  field: Field,
  key: string,
  gate: RecordGate,
): Promise<{ id: string; version: number } | null> {
  const info = model.columnsByKey.get(field.key);
  if (!info) return null;
  const column = sql`${sql.ref(`${ALIAS}.${info.column}`)}::text`;
  const normalised =
    field.type === 'phone'
      ? sql`regexp_replace(regexp_replace(${column}, '[^0-9]', '', 'g'), '^(0086|86)(1[0-9]{10})$', '\\2')`
      : sql`lower(btrim(${column}))`;
  const { rows } = await sql<{ id: string; version: number }>`select ${sql.ref(`${ALIAS}.id`)} as id,
    ${sql.ref(`${ALIAS}.version`)} as version from ${reader.table(model)} as ${sql.id(ALIAS)}
    where ${sql.ref(`${ALIAS}.deleted_at`)} is null and ${gate.read} and ${normalised} = ${key}
    order by ${sql.ref(`${ALIAS}.created_at`)}, ${sql.ref(`${ALIAS}.id`)} limit 1`.execute(reader.db);
  const row = rows[0];
  return row ? { id: String(row.id), version: Number(row.version) } : null;
}

/**
 * The first live record the gate lets the caller read that shares its key under a duplicate rule with
 * `values` (field values by key, normalised by the rule's match — a similar company name, a phone by
 * its digits), looked up in the match-key index; null when `values` leave a rule field empty.
 *
 * @example await findRuleMatch(reader, account, rule, { name: '上海 华东机械股份有限公司' }, gate)
 */
export async function findRuleMatch(
  reader: RecordReader,
  model: EntityModel,
  rule: DuplicateRule,
  values: Readonly<Record<string, unknown>>,
  gate: RecordGate,
): Promise<{ id: string; version: number } | null> {
  const key = duplicateKey(model, rule, values);
  if (key === null) return null;
  const { rows } = await sql<{ id: string; version: number }>`select ${sql.ref(`${ALIAS}.id`)} as id,
    ${sql.ref(`${ALIAS}.version`)} as version from dougong.record_match_keys k
    join ${reader.table(model)} as ${sql.id(ALIAS)} on ${sql.ref(`${ALIAS}.id`)} = k.record_id
    where k.app_key = ${reader.app.document.key} and k.entity_id = ${model.entity.id} and k.rule_id = ${rule.id}
      and k.key = ${storedKey(key)} and ${sql.ref(`${ALIAS}.deleted_at`)} is null and ${gate.read}
    order by ${sql.ref(`${ALIAS}.created_at`)}, ${sql.ref(`${ALIAS}.id`)} limit 1`.execute(reader.db);
  const row = rows[0];
  return row ? { id: String(row.id), version: Number(row.version) } : null;
}
