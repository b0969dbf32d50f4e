import { type EntityModel, formatInZone, physicalNames, SYSTEM_COLUMNS } from '@dougong/schema';
import { decodeValue, instantInZone, isIsoInstant, sentValue, UNKNOWN_FORM } from './value-codec.js';

/** A record as the API returns it: system keys plus field values by key. */
export type RecordJson = Record<string, unknown> & { id: string; version: number };

/**
 * Maps a table row to record JSON. Archived columns are never selected, so they never leak.
 */
export function rowToRecord(model: EntityModel, row: Record<string, unknown>, timeZone: string): RecordJson {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(SYSTEM_COLUMNS)) {
    const raw = row[column];
    out[key] = raw instanceof Date ? formatInZone(raw, timeZone) : (raw ?? null);
  }
  for (const field of model.storedFields)
    out[field.key] = decodeValue(field, row[physicalNames.column(field.id)], timeZone);
  return out as RecordJson;
}

/**
 * The record JSON that {@link rowToRecord} gives for a row an insert stores from `sent` (a JSON row by
 * column name, as `json_populate_recordset` takes it: system columns set, instants as ISO text, columns
 * left out stored as null), without reading it back; undefined when a value's stored form takes the
 * database to tell (see {@link sentValue}).
 */
export function sentRecord(
  model: EntityModel,
  sent: Readonly<Record<string, unknown>>,
  timeZone: string,
): RecordJson | undefined {
  // The id and the timestamps have defaults of the database's own: they must be sent.
  const { id, created_at, updated_at } = sent;
  if (typeof id !== 'string' || !isIsoInstant(created_at) || !isIsoInstant(updated_at)) return undefined;
  if (sent.deleted_at !== undefined && sent.deleted_at !== null) return undefined;
  // The system keys in the order rowToRecord gives them.
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(SYSTEM_COLUMNS)) {
    const raw = sent[column];
    if (column === 'created_at' || column === 'updated_at') out[key] = instantInZone(raw as string, timeZone);
    else if (column === 'version') out[key] = raw ?? 1;
    else out[key] = raw ?? null;
  }
  for (const field of model.storedFields) {
    const { column, kind } = model.columnsByKey.get(field.key)!;
    const value = sentValue(field, sent[column], timeZone, kind);
    if (value === UNKNOWN_FORM) return undefined;
    out[field.key] = value;
  }
  return out as RecordJson;
}

/** The keys of a record's owner, kept in its history beside the fields. */
export const OWNER_KEYS = ['ownerId', 'ownerDeptId'] as const;

/**
 * What a new record's history keeps of it: each field's and owner's value, empty ones left out (a new
 * record's fields are mostly empty), in the entity's field order.
 */
export function createdValues(
  model: EntityModel,
  record: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of model.entity.fields) {
    const value = record[field.key];
    if (value !== null && value !== undefined) out[field.key] = value;
  }
  for (const key of OWNER_KEYS) {
    const value = record[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * The system keys {@link createdValues} leaves out (all but the owner's), empty ones left out: with
 * them, a new record's sparse form, which {@link completeRecord} completes.
 */
export function systemValues(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SYSTEM_COLUMNS)) {
    const value = record[key];
    if (value !== null && value !== undefined && !(OWNER_KEYS as readonly string[]).includes(key))
      out[key] = value;
  }
  return out;
}

/**
 * A record from a sparse form of it (no null values, keys in any order), as {@link rowToRecord} gives
 * it: the system keys and every stored field in order, null where the sparse form has no value; other
 * keys it holds (sub-table rows) follow.
 */
export function completeRecord(model: EntityModel, sparse: Readonly<Record<string, unknown>>): RecordJson {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SYSTEM_COLUMNS)) out[key] = sparse[key] ?? null;
  for (const field of model.storedFields) out[field.key] = sparse[field.key] ?? null;
  for (const key in sparse) if (!(key in out)) out[key] = sparse[key];
  return out as RecordJson;
}

/** The columns a record query selects: the system spine and every stored field (never archived columns). */
export function selectColumns(model: EntityModel): string[] {
  return [...Object.values(SYSTEM_COLUMNS), ...model.storedFields.map((f) => physicalNames.column(f.id))];
}

/**
 * Values by field key written into `out` (a JSON row by column name, for `json_populate_recordset`:
 * dates as ISO text), returning it; keys that are no column of the entity and undefined values are left
 * out. `seen` collects the column names written.
 */
export function addByColumn(
  model: EntityModel,
  values: Readonly<Record<string, unknown>>,
  out: Record<string, unknown>,
  seen?: Set<string>,
): Record<string, unknown> {
  for (const key in values) {
    const value = values[key];
    const info = model.columnsByKey.get(key);
    if (!info || value === undefined) continue;
    out[info.column] = value instanceof Date ? value.toISOString() : value;
    seen?.add(info.column);
  }
  return out;
}
