import { type RawBuilder, sql } from 'kysely';
import { formatDate, parseDate } from '../core/calendar.js';
import { type Bool, splitNull } from './sql-bool.js';
import {
  belowSurrogates,
  floatParam,
  lit,
  nonNull,
  notInSql,
  type SqlClass,
  type SqlExpr,
  type SqlVal,
  textParam,
} from './sql-value.js';

/** The comparisons everything reduces to: loose/strict equality and less-than(-or-equal). */
export type CmpOp = 'eq' | 'seq' | 'lt' | 'le';

type Loose = number;
/** JavaScript's own answer for two known values. */
export function jsCompare(op: CmpOp, x: unknown, y: unknown): boolean {
  switch (op) {
    case 'eq':
      // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic == is JavaScript's loose equality
      return x == y;
    case 'seq':
      return x === y;
    case 'lt':
      return (x as Loose) < (y as Loose);
    case 'le':
      return (x as Loose) <= (y as Loose);
  }
}

type Order = 'lt' | 'le';
const operator = (op: Order, xLeft: boolean): RawBuilder<unknown> =>
  sql.raw(op === 'lt' ? (xLeft ? '<' : '>') : xLeft ? '<=' : '>=');

interface ClassCompare {
  /** x == L for a non-null x and a primitive, non-null L. */
  eq(x: SqlExpr, value: unknown, path: string): Bool;
  /** x === L for a non-null x and a non-null L. */
  seq(x: SqlExpr, value: unknown, path: string): Bool;
  /** x < L (or L < x when !xLeft) for a non-null x and a primitive L. */
  order(x: SqlExpr, value: unknown, op: Order, xLeft: boolean, path: string): Bool;
}

const numberOf = (value: unknown): number => Number(value);
const canonicalDate = (value: unknown): value is string => {
  const date = parseDate(value);
  return date !== null && formatDate(date) === value;
};

function requireExact(x: SqlExpr, path: string): void {
  if (!x.exactText) throw notInSql('text comparison of a computed decimal (its JS text is normalised)', path);
}

const floatCompare = (x: SqlExpr, n: number, op: Order, xLeft: boolean, guardNaN: boolean): Bool => {
  if (Number.isNaN(n)) return false;
  const cmp = sql`(${x.sql})::float8 ${operator(op, xLeft)} ${floatParam(n)}`;
  return guardNaN ? sql`((${x.sql})::float8 <> 'NaN'::float8 AND ${cmp})` : sql`(${cmp})`;
};

const CLASS_COMPARE: Record<SqlClass, ClassCompare> = {
  number: {
    eq: (x, v) => {
      const n = numberOf(v);
      return Number.isNaN(n) ? false : sql`((${x.sql})::float8 = ${floatParam(n)})`;
    },
    seq: (x, v) => (typeof v === 'number' ? sql`((${x.sql})::float8 = ${floatParam(v)})` : false),
    order: (x, v, op, xLeft) => floatCompare(x, numberOf(v), op, xLeft, false),
  },
  decimal: {
    eq: (x, v, path) => {
      if (typeof v === 'string') {
        requireExact(x, path);
        return sql`((${x.sql})::text = ${textParam(v, path)})`;
      }
      const n = numberOf(v);
      return Number.isNaN(n) ? false : sql`((${x.sql})::float8 = ${floatParam(n)})`;
    },
    seq: (x, v, path) => {
      if (typeof v !== 'string') return false;
      requireExact(x, path);
      return sql`((${x.sql})::text = ${textParam(v, path)})`;
    },
    order: (x, v, op, xLeft, path) => {
      if (typeof v === 'string') {
        requireExact(x, path);
        return sql`((${x.sql})::text COLLATE "C" ${operator(op, xLeft)} ${textParam(v, path)})`;
      }
      return floatCompare(x, numberOf(v), op, xLeft, true);
    },
  },
  boolean: {
    eq: (x, v) => {
      const n = numberOf(v);
      if (n === 1) return x.sql;
      if (n === 0) return sql`(NOT ${x.sql})`;
      return false;
    },
    seq: (x, v) => (typeof v === 'boolean' ? (v ? x.sql : sql`(NOT ${x.sql})`) : false),
    order: (x, v, op, xLeft) => {
      const n = numberOf(v);
      if (Number.isNaN(n)) return false;
      return sql`((CASE WHEN ${x.sql} THEN 1 ELSE 0 END)::float8 ${operator(op, xLeft)} ${floatParam(n)})`;
    },
  },
  text: {
    eq: (x, v, path) => {
      if (typeof v !== 'string') throw notInSql('loose equality of a text field with a non-string', path);
      return sql`(${x.sql} = ${textParam(v, path)})`;
    },
    seq: (x, v, path) => (typeof v === 'string' ? sql`(${x.sql} = ${textParam(v, path)})` : false),
    order: (x, v, op, xLeft, path) => {
      if (typeof v !== 'string') throw notInSql('ordering a text field against a non-string', path);
      if (!belowSurrogates(v)) throw notInSql('ordering text against characters at or above U+D800', path);
      return sql`(${x.sql} COLLATE "C" ${operator(op, xLeft)} ${textParam(v, path)})`;
    },
  },
  date: {
    eq: (x, v) => (canonicalDate(v) ? sql`(${x.sql} = ${v}::date)` : false),
    seq: (x, v) => (canonicalDate(v) ? sql`(${x.sql} = ${v}::date)` : false),
    order: (x, v, op, xLeft, path) => {
      if (typeof v !== 'string') return false; // a date string reads as NaN
      if (canonicalDate(v)) return sql`(${x.sql} ${operator(op, xLeft)} ${v}::date)`;
      return sql`(to_char(${x.sql}, 'YYYY-MM-DD') COLLATE "C" ${operator(op, xLeft)} ${textParam(v, path)})`;
    },
  },
  uuid: {
    eq: (x, v, path) => (typeof v === 'string' ? sql`((${x.sql})::text = ${textParam(v, path)})` : false),
    seq: (x, v, path) => (typeof v === 'string' ? sql`((${x.sql})::text = ${textParam(v, path)})` : false),
    order: (x, v, op, xLeft, path) =>
      typeof v === 'string'
        ? sql`((${x.sql})::text COLLATE "C" ${operator(op, xLeft)} ${textParam(v, path)})`
        : false,
  },
  textArray: {
    eq: (x, v, path) => {
      if (typeof v !== 'string') throw notInSql('loose equality of a multi-select with a non-string', path);
      return sql`(array_to_string(${x.sql}, ',', '') = ${textParam(v, path)})`;
    },
    seq: () => false, // an array is never strictly equal to a literal
    order: (_x, _v, _op, _l, path) => {
      throw notInSql('ordering a multi-select field', path);
    },
  },
  datetime: {
    eq: (_x, _v, path) => {
      throw notInSql('generic comparison of a datetime (use datetime_eq and friends)', path);
    },
    seq: (_x, _v, path) => {
      throw notInSql('generic comparison of a datetime (use datetime_eq and friends)', path);
    },
    order: (_x, _v, _op, _l, path) => {
      throw notInSql('generic comparison of a datetime (use datetime_lt and friends)', path);
    },
  },
};

/** ToPrimitive of a literal array or object, as a loose comparison sees it. */
const toPrimitive = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? String(value) : value;

function exprVsLit(op: CmpOp, x: SqlExpr, raw: unknown, xLeft: boolean, path: string): Bool {
  const handlers = CLASS_COMPARE[x.cls];
  if (op === 'seq') return raw === null || raw === undefined ? false : handlers.seq(x, raw, path);
  if (op === 'eq') {
    if (raw === null || raw === undefined) return false;
    if (typeof raw === 'object' && x.cls === 'textArray') return false; // two arrays: identity
    return handlers.eq(x, toPrimitive(raw), path);
  }
  if (raw === undefined) return false; // x < undefined compares with NaN
  if (x.cls === 'textArray') throw notInSql('ordering a multi-select field', path);
  return handlers.order(x, toPrimitive(raw), op, xLeft, path);
}

const SAME_CLASS: Partial<Record<SqlClass, (op: CmpOp, a: SqlExpr, b: SqlExpr, path: string) => Bool>> = {
  number: (op, a, b) =>
    op === 'eq' || op === 'seq' ? sql`(${a.sql} = ${b.sql})` : sql`(${a.sql} ${operator(op, true)} ${b.sql})`,
  decimal: (op, a, b, path) => {
    requireExact(a, path);
    requireExact(b, path);
    return op === 'eq' || op === 'seq'
      ? sql`((${a.sql})::text = (${b.sql})::text)`
      : sql`((${a.sql})::text COLLATE "C" ${operator(op, true)} (${b.sql})::text)`;
  },
  boolean: (op, a, b) =>
    op === 'eq' || op === 'seq'
      ? sql`(${a.sql} = ${b.sql})`
      : sql`((${a.sql})::int ${operator(op, true)} (${b.sql})::int)`,
  text: (op, a, b, path) => {
    if (op === 'eq' || op === 'seq') return sql`(${a.sql} = ${b.sql})`;
    throw notInSql('ordering two text fields (JS orders by UTF-16 units)', path);
  },
  date: (op, a, b) =>
    op === 'eq' || op === 'seq' ? sql`(${a.sql} = ${b.sql})` : sql`(${a.sql} ${operator(op, true)} ${b.sql})`,
  uuid: (op, a, b) =>
    op === 'eq' || op === 'seq' ? sql`(${a.sql} = ${b.sql})` : sql`(${a.sql} ${operator(op, true)} ${b.sql})`,
};

function exprVsExpr(op: CmpOp, a: SqlExpr, b: SqlExpr, path: string): Bool {
  if (a.cls === b.cls) {
    const handler = SAME_CLASS[a.cls];
    if (!handler) throw notInSql(`comparing two ${a.cls} values`, path);
    return handler(op, a, b, path);
  }
  const numeric = new Set<SqlClass>(['number', 'decimal']);
  if (numeric.has(a.cls) && numeric.has(b.cls)) {
    if (op === 'seq') return false; // a number is never === a decimal string
    const guard = a.cls === 'decimal' ? a : b;
    const cmp =
      op === 'eq'
        ? sql`(${a.sql})::float8 = (${b.sql})::float8`
        : sql`(${a.sql})::float8 ${operator(op, true)} (${b.sql})::float8`;
    return sql`((${guard.sql})::float8 <> 'NaN'::float8 AND ${cmp})`;
  }
  throw notInSql(`comparing a ${a.cls} with a ${b.cls}`, path);
}

/**
 * Compiles `a op b` with exactly JavaScript's semantics, NULLs included: each nullable side is split
 * into its NULL case (the interpreter sees null) and its non-NULL case.
 */
export function compare(op: CmpOp, a: SqlVal, b: SqlVal, path: string): Bool {
  if (a.lit && b.lit) return jsCompare(op, a.value, b.value);
  if (!a.lit && a.nullable)
    return splitNull(a, compare(op, lit(null), b, path), compare(op, nonNull(a), b, path));
  if (!b.lit && b.nullable)
    return splitNull(b, compare(op, a, lit(null), path), compare(op, a, nonNull(b), path));
  if (!a.lit && b.lit) return exprVsLit(op, a, b.value, true, path);
  if (a.lit && !b.lit) return exprVsLit(op, b, a.value, false, path);
  return exprVsExpr(op, a as SqlExpr, b as SqlExpr, path);
}
