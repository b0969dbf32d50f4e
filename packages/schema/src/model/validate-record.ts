import type { Field } from '../document/field-schema.js';
import { pointer, type ValidationIssue } from '../document/validation-error.js';
import { checkFieldValue } from '../fields/field-types.js';
import { dateInZone } from '../values/date-value.js';
import { checkPayloadSafety } from '../values/text-safety.js';
import { UUID_PATTERN } from '../values/uuid.js';
import type { EntityModel } from './app-model.js';

/** A checked record payload: stored values by field id, plus sub-table rows. */
export interface RecordInput {
  /** Values by field key, normalised (phones, decimals, dates …). Only keys present in the input. */
  values: Record<string, unknown>;
  /** Sub-table rows by field key: each row's checked values plus its id when the row already exists. */
  rows: Record<string, Array<{ id?: string; values: Record<string, unknown> }>>;
  /** `version` for optimistic concurrency, when the payload carried one. */
  version?: number;
  /** Ownership changes the payload asked for (checked against rights by the server). */
  owner?: { ownerId?: string | null; ownerDeptId?: string | null };
}

/** Options of {@link validateRecordInput}. */
export interface RecordValidationOptions {
  mode: 'create' | 'update';
  timeZone: string;
  now: Date;
  /** Base JSON Pointer for sub-table rows. */
  basePath?: string;
}

const READ_ONLY_SYSTEM = new Set(['id', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt']);

/**
 * Checks a create or update payload against an entity. The same function runs in the browser and the
 * server, so a form that passes here fails on the server only for reasons the browser could not know
 * (uniqueness, permissions, concurrency). Defaults are filled on create.
 */
export function validateRecordInput(
  model: EntityModel,
  input: unknown,
  options: RecordValidationOptions,
): { ok: true; record: RecordInput } | { ok: false; issues: ValidationIssue[] } {
  const base = options.basePath ?? '';
  const safety = checkPayloadSafety(input);
  if (safety.length > 0) return { ok: false, issues: safety.map((i) => ({ ...i, path: base + i.path })) };
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { ok: false, issues: [{ path: base || '/', message: 'must be an object' }] };
  const issues: ValidationIssue[] = [];
  const record: RecordInput = { values: {}, rows: {} };
  const ctx = { timeZone: options.timeZone, now: options.now };
  const data = input as Record<string, unknown>;

  for (const [key, value] of Object.entries(data)) {
    const field = model.fieldsByKey.get(key);
    if (!field) {
      if (key === 'version') {
        if (!Number.isSafeInteger(value) || (value as number) < 1)
          issues.push({ path: pointer(base, key), message: 'must be a positive integer' });
        else record.version = value as number;
      } else if (key === 'ownerId' || key === 'ownerDeptId') {
        if (value !== null && (typeof value !== 'string' || !UUID_PATTERN.test(value)))
          issues.push({ path: pointer(base, key), message: 'must be an id or null' });
        else
          record.owner = { ...record.owner, [key]: value === null ? null : (value as string).toLowerCase() };
      } else if (READ_ONLY_SYSTEM.has(key))
        issues.push({
          path: pointer(base, key),
          message: 'is maintained by the system and cannot be written',
        });
      else issues.push({ path: pointer(base, key), message: `is not a field of ${model.entity.key}` });
      continue;
    }
    if (value === null || value === undefined || (value === '' && field.type !== 'richText')) {
      if (field.type === 'subTable') record.rows[key] = [];
      else if (field.type === 'autoNumber' || field.type === 'formula')
        issues.push({ path: pointer(base, key), message: 'is computed and cannot be written' });
      else if (field.required) issues.push({ path: pointer(base, key), message: 'is required' });
      else record.values[key] = null;
      continue;
    }
    if (field.type === 'subTable') {
      subTableRows(model, field, value, pointer(base, key), options, record, issues);
      continue;
    }
    const checked = checkFieldValue(field, value, ctx);
    if (checked.ok) record.values[key] = checked.value;
    else issues.push({ path: pointer(base, key), message: checked.message });
  }

  if (options.mode === 'create') {
    for (const field of model.entity.fields) {
      if (field.key in data) continue;
      const fallback = defaultValue(field, options);
      if (fallback !== undefined) record.values[field.key] = fallback;
      else if (field.required && field.type !== 'autoNumber' && field.type !== 'formula') {
        if (field.type === 'subTable')
          issues.push({ path: pointer(base, field.key), message: 'needs at least one row' });
        else issues.push({ path: pointer(base, field.key), message: 'is required' });
      }
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, record };
}

function subTableRows(
  model: EntityModel,
  field: Field & { type: 'subTable' },
  value: unknown,
  path: string,
  options: RecordValidationOptions,
  record: RecordInput,
  issues: ValidationIssue[],
): void {
  const child = model.subTables.find((s) => s.field.id === field.id)?.child;
  if (!Array.isArray(value) || !child) {
    issues.push({ path, message: 'must be an array of rows' });
    return;
  }
  if (value.length > (field.maxRows ?? 1000)) {
    issues.push({ path, message: `must have at most ${field.maxRows ?? 1000} rows` });
    return;
  }
  if (field.required && value.length === 0) issues.push({ path, message: 'needs at least one row' });
  const rows: Array<{ id?: string; values: Record<string, unknown> }> = [];
  const seen = new Set<string>();
  value.forEach((row, i) => {
    const rowPath = pointer(path, i);
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      issues.push({ path: rowPath, message: 'must be an object' });
      return;
    }
    const { id, ...rest } = row as Record<string, unknown>;
    if (id !== undefined && (typeof id !== 'string' || !UUID_PATTERN.test(id) || seen.has(id))) {
      issues.push({ path: `${rowPath}/id`, message: 'must be the id of an existing row, once' });
      return;
    }
    if (typeof id === 'string') seen.add(id);
    // New rows are created (defaults, required); existing rows are replaced by what is sent.
    const checked = validateRecordInput(child, rest, { ...options, mode: 'create', basePath: rowPath });
    if (!checked.ok) issues.push(...checked.issues);
    else
      rows.push({
        ...(typeof id === 'string' ? { id: id.toLowerCase() } : {}),
        values: checked.record.values,
      });
  });
  record.rows[field.key] = rows;
}

function defaultValue(field: Field, options: RecordValidationOptions): unknown {
  if (!('default' in field) || field.default === undefined) return undefined;
  if (field.type === 'date' && field.default === 'today') return dateInZone(options.now, options.timeZone);
  if (field.type === 'datetime' && field.default === 'now') return options.now;
  if (field.type === 'number' && field.integer) return field.default;
  if (field.type === 'number' || field.type === 'money' || field.type === 'percent') {
    const checked = checkFieldValue(field, field.default, { timeZone: options.timeZone, now: options.now });
    return checked.ok ? checked.value : undefined;
  }
  return field.default;
}
