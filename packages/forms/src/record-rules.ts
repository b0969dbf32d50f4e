import { type CurrentUser, type EvalContext, evaluateRule, truthy } from '@dougong/rules';
import {
  type AppDocument,
  type EntityModel,
  formatInZone,
  type Locale,
  pointer,
  type RecordInput,
  type ValidationIssue,
} from '@dougong/schema';
import { linkageFieldStates } from './form-state.js';
import type { FormDefinition } from './form-types.js';
import { computeFormulas } from './formula-values.js';
import { localizeMessage } from './issue-messages.js';

/** Options of {@link formRuleIssues}. */
export interface FormRuleOptions {
  /** The stored record on update (rules read it through `old` / `changed`); null or absent on create. */
  readonly previous?: Readonly<Record<string, unknown>> | null;
  /** A write through this form (public submissions): only its rules apply. Else every non-public form's. */
  readonly formId?: string;
  readonly now: Date;
  readonly timeZone: string;
  readonly user?: CurrentUser;
  readonly locale: Locale;
}

/**
 * The forms whose rules a write must satisfy: the one it came through when named (a public form), else
 * every non-public form of the entity — the server cannot tell which internal form a client used, so it
 * holds every write to all of them, and the engine checks the same set.
 */
export function formsInScope(doc: AppDocument, entityId: string, formId?: string): FormDefinition[] {
  const forms = (doc.forms ?? []).filter((f) => f.entity === entityId);
  if (formId !== undefined) return forms.filter((f) => f.id === formId);
  return forms.filter((f) => f.kind !== 'public');
}

/**
 * The record rules see for a checked payload: the stored record (update), overlaid with the payload's
 * values and its sub-table rows, datetimes as ISO strings with the zone's offset (as the API returns
 * them), formulas recomputed. The server stores formulas computed from this same record.
 */
export function mergedRecord(
  model: EntityModel,
  input: Pick<RecordInput, 'values' | 'rows'>,
  previous: Readonly<Record<string, unknown>> | null | undefined,
  ctx: EvalContext & { timeZone: string },
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(previous ?? {}) };
  for (const [key, value] of Object.entries(input.values)) out[key] = plainValue(value, ctx.timeZone);
  for (const { field } of model.subTables) {
    const rows = input.rows[field.key];
    if (rows)
      out[field.key] = rows.map((row) => {
        const values: Record<string, unknown> = row.id ? { id: row.id } : {};
        for (const [key, value] of Object.entries(row.values)) values[key] = plainValue(value, ctx.timeZone);
        return values;
      });
    else if (!Array.isArray(out[field.key])) out[field.key] = [];
  }
  return computeFormulas(model, out, ctx);
}

function plainValue(value: unknown, timeZone: string): unknown {
  return value instanceof Date ? formatInZone(value, timeZone) : value;
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * What the forms in scope demand of a record beyond its field types: fields their linkage makes required
 * (only while visible on that form — a hidden field is never required), and their validation rules
 * (reported only while the rule's field is visible on that form). Paths are JSON pointers
 * (`/lossReason`, `/products/1/quantity`), messages in `locale`, duplicates across forms dropped.
 * The server and the form engine both run exactly this.
 */
export function formRuleIssues(
  doc: AppDocument,
  model: EntityModel,
  record: Readonly<Record<string, unknown>>,
  options: FormRuleOptions,
): ValidationIssue[] {
  const ctx: EvalContext = {
    now: options.now,
    timeZone: options.timeZone,
    previous: options.previous ?? null,
    ...(options.user ? { user: options.user } : {}),
  };
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ path, message });
  };
  const required = localizeMessage('is required', options.locale);
  const needsRows = localizeMessage('needs at least one row', options.locale);
  for (const form of formsInScope(doc, model.entity.id, options.formId)) {
    // States are computed on the record as sent: set values the client did not apply are not invented.
    const states = linkageFieldStates(model, form, record, ctx);
    for (const field of model.entity.fields) {
      const state = states.fields[field.key];
      if (!state?.visible || !state.required || field.required) continue;
      if (isEmpty(record[field.key]))
        add(pointer('', field.key), field.type === 'subTable' ? needsRows : required);
    }
    for (const { field, child } of model.subTables) {
      const rows = Array.isArray(record[field.key]) ? (record[field.key] as Record<string, unknown>[]) : [];
      rows.forEach((row, i) => {
        const rowStates = states.rows[field.key]?.[i] ?? {};
        for (const f of child.entity.fields) {
          const state = rowStates[f.key];
          if (state?.visible && state.required && !f.required && isEmpty(row[f.key]))
            add(pointer('', field.key, i, f.key), required);
        }
      });
    }
    for (const rule of form.validation ?? []) {
      const message = rule.message[options.locale] ?? rule.message['zh-CN'] ?? rule.message.en ?? '';
      if (rule.subTable === undefined) {
        if (!states.fields[rule.path]?.visible) continue;
        if (fails(rule, record, ctx)) add(pointer('', rule.path), message);
        continue;
      }
      const rows = Array.isArray(record[rule.subTable]) ? (record[rule.subTable] as unknown[]) : [];
      rows.forEach((row, i) => {
        if (!states.rows[rule.subTable!]?.[i]?.[rule.path]?.visible) return;
        if (fails(rule, row, ctx)) add(pointer('', rule.subTable!, i, rule.path), message);
      });
    }
  }
  return issues;
}

function fails(rule: { when?: unknown; condition: unknown }, record: unknown, ctx: EvalContext): boolean {
  if (rule.when !== undefined && !truthy(evaluateRule(rule.when as never, record, ctx))) return false;
  return !truthy(evaluateRule(rule.condition as never, record, ctx));
}
