import { type Field, formatInZone, numericShape, roundDecimal, valueKindOf } from '@dougong/schema';
import { type RawBuilder, sql } from 'kysely';

/**
 * Turns a stored column value into its API form: timestamps as ISO 8601 in the app's zone, decimals as
 * strings with the field's scale, everything else as the driver returns it (dates stay `YYYY-MM-DD`).
 */
export function decodeValue(field: Field, raw: unknown, timeZone: string): unknown {
  if (raw === null || raw === undefined) return null;
  switch (valueKindOf(field)) {
    case 'datetime':
      return formatInZone(raw instanceof Date ? raw : new Date(String(raw)), timeZone);
    case 'decimal': {
      const shape = numericShape(field);
      return shape ? roundDecimal(String(raw), shape.scale) : String(raw);
    }
    case 'integer':
      return typeof raw === 'number' ? raw : Number(raw);
    case 'json':
      return typeof raw === 'string' ? JSON.parse(raw) : raw;
    default:
      return raw;
  }
}

/**
 * A parameter for a column of `sqlType`, cast explicitly so both drivers send the same thing
 * (arrays as text[], JSON as jsonb, instants as timestamptz). `sqlType` comes from the field registry,
 * never from a request.
 */
export function encodeValue(sqlType: string, value: unknown): RawBuilder<unknown> {
  if (value === null || value === undefined) return sql`cast(null as ${sql.raw(sqlType)})`;
  if (sqlType === 'jsonb') return sql`cast(${JSON.stringify(value)} as jsonb)`;
  if (sqlType === 'text[]')
    return sql`array(select jsonb_array_elements_text(cast(${JSON.stringify(value)} as jsonb)))`;
  if (value instanceof Date) return sql`cast(${value.toISOString()} as timestamptz)`;
  if (typeof value === 'number') return sql`cast(${String(value)} as ${sql.raw(sqlType)})`;
  if (typeof value === 'boolean') return sql`cast(${value ? 'true' : 'false'} as boolean)`;
  return sql`cast(${String(value)} as ${sql.raw(sqlType)})`;
}
