import {
  checkFieldValue,
  dateInZone,
  type Field,
  formatInZone,
  parseIsoDatetime,
  valueKindOf,
} from '@dougong/schema';
import { decodeValue } from '../records/value-codec.js';

/** The outcome of converting one stored value to a new field definition. */
export type Conversion = { ok: true; value: unknown } | { ok: false; reason: string };

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', '是', '真', '对']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', '否', '假', '错']);

/** True when values of `from` can ever be converted to `to` (else the planner refuses the change outright). */
export function conversionSupported(from: Field, to: Field): boolean {
  if (from.type === to.type) return true;
  const blocked = new Set(['subTable', 'attachment', 'autoNumber']);
  if (blocked.has(to.type) || blocked.has(from.type)) return from.type === 'autoNumber' && isTextLike(to);
  return true;
}

function isTextLike(field: Field): boolean {
  return ['text', 'longText', 'richText'].includes(field.type);
}

/**
 * Converts a stored value of field `from` to field `to`, using the same checks as the record API, so a
 * converted value is exactly what a user could have entered. Non-convertible values return a reason.
 */
export function convertStoredValue(
  raw: unknown,
  from: Field,
  to: Field,
  ctx: { timeZone: string; now: Date },
): Conversion {
  const value = decodeValue(from, raw, ctx.timeZone);
  if (value === null) return { ok: true, value: null };
  const coerced = coerce(value, from, to, ctx.timeZone);
  if (coerced === NO_WAY)
    return { ok: false, reason: `cannot convert ${JSON.stringify(value)} from ${from.type} to ${to.type}` };
  const checked = checkFieldValue(to, coerced, ctx);
  return checked.ok
    ? { ok: true, value: checked.value }
    : { ok: false, reason: `${JSON.stringify(value)} ${checked.message}` };
}

const NO_WAY = Symbol('no conversion');

function coerce(value: unknown, from: Field, to: Field, timeZone: string): unknown {
  const fromKind = valueKindOf(from);
  if (from.type === to.type && from.type !== 'singleSelect' && from.type !== 'multiSelect') return value;
  switch (to.type) {
    case 'text':
    case 'longText':
    case 'richText':
    case 'email':
    case 'phone':
    case 'url':
    case 'region':
      if (fromKind === 'textArray') return (value as string[]).join(', ');
      if (fromKind === 'json' || fromKind === 'none') return NO_WAY;
      return typeof value === 'string' ? value.trim() : String(value);
    case 'number':
      if (to.integer) {
        if (typeof value === 'number') return value;
        if (typeof value === 'string' && /^\s*[+-]?\d+(\.0+)?\s*$/.test(value))
          return Number(value.trim().replace(/\.0+$/, ''));
        return NO_WAY;
      }
      return toDecimalText(value);
    case 'money':
    case 'percent':
      return toDecimalText(value);
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const word = String(value).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return NO_WAY;
    }
    case 'date':
      if (fromKind === 'datetime') {
        const instant = parseIsoDatetime(value);
        return instant ? dateInZone(instant, timeZone) : NO_WAY;
      }
      return typeof value === 'string' ? value.trim() : NO_WAY;
    case 'datetime':
      if (fromKind === 'date') return localMidnight(String(value), timeZone);
      return typeof value === 'string' ? value.trim() : NO_WAY;
    case 'singleSelect': {
      const text =
        fromKind === 'textArray'
          ? (value as string[]).length === 1
            ? (value as string[])[0]
            : undefined
          : String(value).trim();
      if (text === undefined) return NO_WAY;
      const option = to.options.find(
        (o) => o.id === text || o.label['zh-CN'] === text || o.label.en === text,
      );
      return option ? option.id : text;
    }
    case 'multiSelect': {
      const parts = Array.isArray(value)
        ? (value as string[])
        : String(value)
            .split(/[,，;；]/)
            .map((s) => s.trim())
            .filter(Boolean);
      return parts.map(
        (p) => to.options.find((o) => o.id === p || o.label['zh-CN'] === p || o.label.en === p)?.id ?? p,
      );
    }
    case 'user':
    case 'department':
    case 'reference':
      return typeof value === 'string' ? value.trim() : NO_WAY;
    case 'subTable':
    case 'attachment':
    case 'autoNumber':
    case 'formula':
      return NO_WAY;
  }
}

function toDecimalText(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.trim().replace(/,/g, '');
  return NO_WAY;
}

function localMidnight(date: string, timeZone: string): string {
  // The zone's offset at noon UTC of that day is the offset at local midnight except on DST days.
  const probe = formatInZone(new Date(`${date}T12:00:00Z`), timeZone);
  return `${date}T00:00:00${probe.slice(-6)}`;
}
