import type { AppDocument } from '../document/app-document-schema.js';
import type { Field, FieldOf } from '../document/field-schema.js';
import { isIsoDate, parseIsoDatetime } from '../values/date-value.js';
import { decimalDigits, parseDecimal } from '../values/decimal-value.js';
import { normalizePhone } from '../values/phone-value.js';
import { UUID_PATTERN } from '../values/uuid.js';
import {
  type FieldTypeRegistry,
  type FieldTypeSpec,
  fail,
  pass,
  type ValueCheck,
} from './field-type-spec.js';

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]{1,64}@(?:[a-zA-Z0-9\u00a0-\uffff](?:[a-zA-Z0-9\u00a0-\uffff-]{0,61}[a-zA-Z0-9\u00a0-\uffff])?\.)+[a-zA-Z\u00a0-\uffff]{2,63}$/;

/** Default length limits, so no text column is unbounded. */
export const TEXT_DEFAULT_MAX = 255;
/** Default maximum length of long text. */
export const LONG_TEXT_DEFAULT_MAX = 10_000;
/** Default maximum length of rich text (HTML). */
export const RICH_TEXT_DEFAULT_MAX = 100_000;

const patterns = new Map<string, RegExp>();
function patternRegex(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    // `u` keeps code points intact; anchored so the whole value must match.
    re = new RegExp(`^(?:${pattern})$`, 'u');
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re;
}

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

function checkText(value: unknown, min: number | undefined, max: number): ValueCheck {
  if (typeof value !== 'string') return fail('must be a string');
  const length = codePoints(value);
  if (length > max) return fail(`must be at most ${max} characters`);
  if (min !== undefined && length < min) return fail(`must be at least ${min} characters`);
  return pass(value);
}

function checkDecimal(
  value: unknown,
  precision: number,
  scale: number,
  min: string | number | undefined,
  max: string | number | undefined,
): ValueCheck {
  const dec = parseDecimal(value);
  if (!dec) return fail('must be a decimal number such as "1234.50"');
  const digits = decimalDigits(dec);
  if (digits.fraction > scale) return fail(`must have at most ${scale} decimal places`);
  if (digits.integer > precision - scale)
    return fail(`must have at most ${precision - scale} digits before the point`);
  if (min !== undefined && dec.lt(String(min))) return fail(`must be at least ${min}`);
  if (max !== undefined && dec.gt(String(max))) return fail(`must be at most ${max}`);
  return pass(dec.toFixed(scale));
}

const uuidCheck = (what: string) => (value: unknown) =>
  typeof value === 'string' && UUID_PATTERN.test(value)
    ? pass(value.toLowerCase())
    : fail(`must be the id of a ${what}`);

const computed = (): ValueCheck => fail('is computed and cannot be written');

const optionIds = (field: FieldOf<'singleSelect'> | FieldOf<'multiSelect'>) =>
  new Set(field.options.map((o) => o.id));

/** Decimal precision and scale of a number, money or percent field. */
export function numericShape(field: Field): { precision: number; scale: number } | undefined {
  switch (field.type) {
    case 'number':
      return field.integer ? undefined : { precision: field.precision ?? 18, scale: field.scale ?? 2 };
    case 'money':
      return { precision: field.precision ?? 18, scale: field.scale ?? 2 };
    case 'percent':
      return { precision: 12, scale: field.scale ?? 2 };
    case 'formula':
      return field.resultType === 'decimal' ? { precision: 30, scale: field.scale ?? 2 } : undefined;
    default:
      return undefined;
  }
}

const decimalSchema = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' };

/**
 * One handler per field type. Adding a type to the metadata schema without a handler here fails to compile.
 */
export const FIELD_TYPE_REGISTRY: FieldTypeRegistry = {
  text: {
    columnType: () => 'text',
    valueKind: () => 'text',
    valueSchema: (f) => ({ type: 'string', maxLength: f.maxLength ?? TEXT_DEFAULT_MAX }),
    check(value, field) {
      const result = checkText(value, field.minLength, field.maxLength ?? TEXT_DEFAULT_MAX);
      if (!result.ok || !field.pattern) return result;
      // Patterns were proven free of catastrophic backtracking when the metadata was saved (every
      // published document passed validateAppDocument), so this runs in the browser without the checker.
      return patternRegex(field.pattern).test(value as string)
        ? result
        : fail(field.patternMessage?.en ?? 'does not match the required format');
    },
  },
  longText: {
    columnType: () => 'text',
    valueKind: () => 'text',
    valueSchema: (f) => ({ type: 'string', maxLength: f.maxLength ?? LONG_TEXT_DEFAULT_MAX }),
    check: (value, field) => checkText(value, field.minLength, field.maxLength ?? LONG_TEXT_DEFAULT_MAX),
  },
  richText: {
    columnType: () => 'text',
    valueKind: () => 'text',
    valueSchema: (f) => ({
      type: 'string',
      contentMediaType: 'text/html',
      maxLength: f.maxLength ?? RICH_TEXT_DEFAULT_MAX,
    }),
    // Sanitising is I/O-free but needs an HTML parser; the storage layer sanitises after this check.
    check: (value, field) => checkText(value, undefined, field.maxLength ?? RICH_TEXT_DEFAULT_MAX),
  },
  number: {
    columnType: (f) => (f.integer ? 'bigint' : `numeric(${f.precision ?? 18}, ${f.scale ?? 2})`),
    valueKind: (f) => (f.integer ? 'integer' : 'decimal'),
    valueSchema: (f) => (f.integer ? { type: 'integer' } : decimalSchema),
    check(value, field) {
      if (!field.integer)
        return checkDecimal(value, field.precision ?? 18, field.scale ?? 2, field.min, field.max);
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail('must be a whole number');
      if (field.min !== undefined && value < field.min) return fail(`must be at least ${field.min}`);
      if (field.max !== undefined && value > field.max) return fail(`must be at most ${field.max}`);
      return pass(value);
    },
  },
  money: {
    columnType: (f) => `numeric(${f.precision ?? 18}, ${f.scale ?? 2})`,
    valueKind: () => 'decimal',
    valueSchema: () => decimalSchema,
    check: (value, f) => checkDecimal(value, f.precision ?? 18, f.scale ?? 2, f.min, f.max),
  },
  percent: {
    columnType: (f) => `numeric(12, ${f.scale ?? 2})`,
    valueKind: () => 'decimal',
    valueSchema: () => decimalSchema,
    check: (value, f) => checkDecimal(value, 12, f.scale ?? 2, f.min, f.max),
  },
  boolean: {
    columnType: () => 'boolean',
    valueKind: () => 'boolean',
    valueSchema: () => ({ type: 'boolean' }),
    check: (value) => (typeof value === 'boolean' ? pass(value) : fail('must be true or false')),
  },
  date: {
    columnType: () => 'date',
    valueKind: () => 'date',
    valueSchema: () => ({ type: 'string', format: 'date' }),
    check(value, field) {
      if (!isIsoDate(value)) return fail('must be a date written YYYY-MM-DD');
      if (field.min && value < field.min) return fail(`must be on or after ${field.min}`);
      if (field.max && value > field.max) return fail(`must be on or before ${field.max}`);
      return pass(value);
    },
  },
  datetime: {
    columnType: () => 'timestamptz',
    valueKind: () => 'datetime',
    valueSchema: () => ({ type: 'string', format: 'date-time' }),
    check(value) {
      const date = parseIsoDatetime(value);
      return date
        ? pass(date)
        : fail('must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T09:30:00+08:00');
    },
  },
  singleSelect: {
    columnType: () => 'text',
    valueKind: () => 'text',
    valueSchema: (f) => ({ type: 'string', enum: f.options.map((o) => o.id) }),
    check: (value, field) =>
      typeof value === 'string' && optionIds(field).has(value)
        ? pass(value)
        : fail('must be one of the field’s option ids'),
  },
  multiSelect: {
    columnType: () => 'text[]',
    valueKind: () => 'textArray',
    valueSchema: (f) => ({
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: f.options.map((o) => o.id) },
    }),
    check(value, field) {
      if (!Array.isArray(value)) return fail('must be an array of option ids');
      const ids = optionIds(field);
      if (value.some((v) => typeof v !== 'string' || !ids.has(v)))
        return fail('must contain only the field’s option ids');
      if (new Set(value).size !== value.length) return fail('must not repeat an option');
      if (field.maxItems !== undefined && value.length > field.maxItems)
        return fail(`must have at most ${field.maxItems} options`);
      return pass(value);
    },
  },
  email: {
    columnType: () => 'text',
    valueKind: () => 'text',
    // Internationalised addresses (例子@公司.中国) are valid: JSON Schema's `email` format would refuse them.
    valueSchema: () => ({ type: 'string', maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    check(value) {
      if (typeof value !== 'string' || value.length > 254 || !EMAIL.test(value.trim()))
        return fail('must be an email address');
      const [local, domain] = value.trim().split('@') as [string, string];
      return pass(`${local}@${domain.toLowerCase()}`);
    },
  },
  phone: {
    columnType: () => 'text',
    valueKind: () => 'text',
    valueSchema: () => ({ type: 'string' }),
    check(value, field) {
      if (typeof value !== 'string') return fail('must be a phone number');
      const phone = normalizePhone(value);
      const kinds = field.kinds ?? ['mobile', 'landline', 'international'];
      if (!phone)
        return fail('must be a mainland mobile (13800138000), landline (021-12345678) or +<country><number>');
      if (!kinds.includes(phone.kind)) return fail(`must be a ${kinds.join(' or ')} number`);
      return pass(phone.value);
    },
  },
  url: {
    columnType: () => 'text',
    valueKind: () => 'text',
    // Internationalised URLs (http://例子.中国/) are valid: JSON Schema's `uri` format would refuse them.
    valueSchema: () => ({ type: 'string', maxLength: 2048, pattern: '^https?://' }),
    check(value) {
      if (typeof value !== 'string' || value.length > 2048) return fail('must be an http(s) URL');
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:'
          ? pass(value)
          : fail('must be an http(s) URL');
      } catch {
        return fail('must be an http(s) URL');
      }
    },
  },
  user: {
    columnType: () => 'uuid',
    valueKind: () => 'uuid',
    valueSchema: () => ({ type: 'string', format: 'uuid' }),
    check: uuidCheck('user'),
  },
  department: {
    columnType: () => 'uuid',
    valueKind: () => 'uuid',
    valueSchema: () => ({ type: 'string', format: 'uuid' }),
    check: uuidCheck('department'),
  },
  reference: {
    columnType: () => 'uuid',
    valueKind: () => 'uuid',
    valueSchema: () => ({ type: 'string', format: 'uuid' }),
    check: uuidCheck('record'),
  },
  subTable: {
    columnType: () => null,
    valueKind: () => 'none',
    valueSchema: () => ({ type: 'array', items: { type: 'object' } }),
    // Rows are checked one by one against the child entity by the record validator.
    check: (value) => (Array.isArray(value) ? pass(value) : fail('must be an array of rows')),
  },
  attachment: {
    columnType: () => 'jsonb',
    valueKind: () => 'json',
    valueSchema: () => ({
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'size', 'mimeType'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          size: { type: 'integer' },
          mimeType: { type: 'string' },
        },
      },
    }),
    check(value, field) {
      if (!Array.isArray(value)) return fail('must be an array of files');
      if (value.length > (field.maxFiles ?? 20))
        return fail(`must have at most ${field.maxFiles ?? 20} files`);
      const files: unknown[] = [];
      for (const item of value) {
        const file = item as Record<string, unknown>;
        if (
          !file ||
          typeof file !== 'object' ||
          typeof file.id !== 'string' ||
          !UUID_PATTERN.test(file.id) ||
          typeof file.name !== 'string' ||
          file.name.length === 0 ||
          file.name.length > 255 ||
          !Number.isSafeInteger(file.size) ||
          (file.size as number) < 0 ||
          typeof file.mimeType !== 'string' ||
          file.mimeType.length > 255 ||
          Object.keys(file).some((k) => !['id', 'name', 'size', 'mimeType'].includes(k))
        ) {
          return fail('must contain files as {id, name, size, mimeType}');
        }
        if (field.accept && !field.accept.some((a) => mimeMatches(a, file.mimeType as string))) {
          return fail(`file type ${file.mimeType} is not accepted`);
        }
        files.push({ id: file.id, name: file.name, size: file.size, mimeType: file.mimeType });
      }
      return pass(files);
    },
  },
  autoNumber: {
    columnType: () => 'text',
    valueKind: () => 'text',
    valueSchema: () => ({ type: 'string', readOnly: true }),
    check: computed,
  },
  formula: {
    columnType: (f) => formulaColumn(f),
    valueKind: (f) => FORMULA_KINDS[f.resultType],
    valueSchema: (f) =>
      ({
        text: { type: 'string', readOnly: true },
        integer: { type: 'integer', readOnly: true },
        decimal: { ...decimalSchema, readOnly: true },
        boolean: { type: 'boolean', readOnly: true },
        date: { type: 'string', format: 'date', readOnly: true },
      })[f.resultType],
    check: computed,
  },
  region: {
    columnType: () => 'text',
    valueKind: () => 'text',
    valueSchema: () => ({ type: 'string', pattern: '^\\d{6}$' }),
    check(value, field) {
      if (typeof value !== 'string' || !/^[1-9]\d{5}$/.test(value))
        return fail('must be a 6-digit region code such as 310104');
      const level = value.endsWith('0000') ? 'province' : value.endsWith('00') ? 'city' : 'district';
      const order = { province: 0, city: 1, district: 2 } as const;
      if (order[level] > order[field.level ?? 'district']) return fail(`must be a ${field.level} code`);
      return pass(value);
    },
  },
};

const FORMULA_KINDS = {
  text: 'text',
  integer: 'integer',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
} as const satisfies Record<FieldOf<'formula'>['resultType'], string>;

function formulaColumn(field: FieldOf<'formula'>): string {
  switch (field.resultType) {
    case 'text':
      return 'text';
    case 'integer':
      return 'bigint';
    case 'decimal':
      return `numeric(30, ${field.scale ?? 2})`;
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
  }
}

function mimeMatches(accept: string, mime: string): boolean {
  if (accept.endsWith('/*')) return mime.startsWith(accept.slice(0, -1));
  return accept === mime;
}

/** The handler of a field's type. */
export function fieldSpec<F extends Field>(field: F): FieldTypeSpec<F['type']> {
  return FIELD_TYPE_REGISTRY[field.type as F['type']] as FieldTypeSpec<F['type']>;
}

/** SQL column type of a field, or null for sub-tables. */
export function columnTypeOf(field: Field, doc: AppDocument): string | null {
  return (fieldSpec(field).columnType as (f: Field, d: AppDocument) => string | null)(field, doc);
}

/** Value kind of a field (see {@link ValueKind}). */
export function valueKindOf(field: Field) {
  return (fieldSpec(field).valueKind as (f: Field) => ReturnType<FieldTypeSpec<'text'>['valueKind']>)(field);
}

/** Checks one input value against its field. */
export function checkFieldValue(
  field: Field,
  value: unknown,
  ctx: { timeZone: string; now: Date },
): ValueCheck {
  return (fieldSpec(field).check as (v: unknown, f: Field, c: typeof ctx) => ValueCheck)(value, field, ctx);
}
