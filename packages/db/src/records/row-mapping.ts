import { type EntityModel, formatInZone, physicalNames, SYSTEM_COLUMNS } from '@dougong/schema';
import { decodeValue } from './value-codec.js';

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
