import {
  type Field,
  formatInZone,
  numericShape,
  roundDecimal,
  UUID_PATTERN,
  type ValueKind,
  valueKindOf,
} from '@dougong/schema';
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

/** What {@link sentValue} returns when only the database can tell a value's stored form. */
export const UNKNOWN_FORM: unique symbol = Symbol('unknown stored form');

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** True for an instant as `Date#toISOString` writes it. */
export const isIsoInstant = (value: unknown): value is string =>
  typeof value === 'string' && ISO_INSTANT.test(value);

/**
 * The API form that {@link decodeValue} gives a value once the database has stored and returned it,
 * worked out from the value as an insert sends it (a checked value; instants as ISO text), or
 * {@link UNKNOWN_FORM} when that takes the database: JSON (jsonb reorders keys), a decimal with more
 * places than its column or without a scale, a negative zero, anything not of its column's type.
 * A column has no default, so an absent value is stored as null.
 */
export function sentValue(
  field: Field,
  sent: unknown,
  timeZone: string,
  kind: ValueKind = valueKindOf(field),
): unknown {
  if (sent === null || sent === undefined) return null;
  switch (kind) {
    case 'text':
      return typeof sent === 'string' ? sent : UNKNOWN_FORM;
    case 'integer':
      return Number.isSafeInteger(sent) ? sent : UNKNOWN_FORM;
    case 'boolean':
      return typeof sent === 'boolean' ? sent : UNKNOWN_FORM;
    case 'date':
      return typeof sent === 'string' && DATE_TEXT.test(sent) ? sent : UNKNOWN_FORM;
    case 'datetime':
      return isIsoInstant(sent) ? instantInZone(sent, timeZone) : UNKNOWN_FORM;
    case 'uuid':
      // The database writes ids in lower case.
      return typeof sent === 'string' && UUID_PATTERN.test(sent) ? sent.toLowerCase() : UNKNOWN_FORM;
    case 'textArray':
      return Array.isArray(sent) && sent.every((v) => typeof v === 'string') ? [...sent] : UNKNOWN_FORM;
    case 'decimal': {
      // The column rounds to its scale; a value within it is only padded, on both sides alike.
      const shape = numericShape(field);
      if (!shape || typeof sent !== 'string') return UNKNOWN_FORM;
      const match = DECIMAL_TEXT.exec(sent);
      const fraction = match?.[3] ?? '';
      if (!match || fraction.length > shape.scale) return UNKNOWN_FORM;
      if (match[1] && /^0*$/.test(match[2]! + fraction)) return UNKNOWN_FORM;
      if (match[2]!.length > 1 && match[2]!.startsWith('0')) return roundDecimal(sent, shape.scale);
      return shape.scale === 0
        ? `${match[1]}${match[2]}`
        : `${match[1]}${match[2]}.${fraction.padEnd(shape.scale, '0')}`;
    }
    default:
      return UNKNOWN_FORM;
  }
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

// The last instant formatted: the rows of one bulk write share their timestamps.
let lastInstant: { iso: string; timeZone: string; text: string } | undefined;

/** An instant written as `Date#toISOString` does, as {@link decodeValue} returns it in `timeZone`. */
export function instantInZone(iso: string, timeZone: string): string {
  if (lastInstant?.iso !== iso || lastInstant.timeZone !== timeZone)
    lastInstant = { iso, timeZone, text: formatInZone(new Date(iso), timeZone) };
  return lastInstant.text;
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
