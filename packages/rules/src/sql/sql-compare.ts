import { type RawBuilder, sql } from 'kysely';
import { formatDate, parseDate } from '../core/calendar.js';
import { type Bool, rejecting, splitNullLoose } from './sql-bool.js';
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

const SAFE = 2 ** 53;

/**
 * An integer column against a number, without casting the column (so its btree index applies): an
 * integral n as `bigint`, a fractional one as `numeric` of its shortest text. For |column| ≤ 2^53 both
 * decide exactly as JavaScript's double comparison (no integer lies between n and its shortest text);
 * anything else, or a computed number, compares as float8 like the interpreter.
 */
function numberCompare(x: SqlExpr, n: number, cmp: RawBuilder<unknown>): Bool | undefined {
  if (!x.column || !Number.isFinite(n)) return undefined;
  if (Number.isInteger(n) && Math.abs(n) <= SAFE) return sql`(${x.sql} ${cmp} ${n}::int8)`;
  if (Math.abs(n) < SAFE) return sql`(${x.sql} ${cmp} ${String(n)}::numeric)`;
  return undefined;
}

const CLASS_COMPARE: Record<SqlClass, ClassCompare> = {
  number: {
    eq: (x, v) => {
      const n = numberOf(v);
      if (Number.isNaN(n)) return false;
      return numberCompare(x, n, sql.raw('=')) ?? sql`((${x.sql})::float8 = ${floatParam(n)})`;
    },
    seq: (x, v) => {
      if (typeof v !== 'number') return false;
      return numberCompare(x, v, sql.raw('=')) ?? sql`((${x.sql})::float8 = ${floatParam(v)})`;
    },
    order: (x, v, op, xLeft) => {
      const n = numberOf(v);
      if (Number.isNaN(n)) return false;
      return numberCompare(x, n, operator(op, xLeft)) ?? floatCompare(x, n, op, xLeft, false);
    },
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

/** {@link exprVsLitRaw}, marked null-rejecting except for the boolean ordering (its CASE maps NULL to 0). */
function exprVsLit(op: CmpOp, x: SqlExpr, raw: unknown, xLeft: boolean, path: string): Bool {
  const result = exprVsLitRaw(op, x, raw, xLeft, path);
  return x.cls === 'boolean' && (op === 'lt' || op === 'le') ? result : rejecting(result);
}

function exprVsLitRaw(op: CmpOp, x: SqlExpr, raw: unknown, xLeft: boolean, path: string): Bool {
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
 * into its NULL case (the interpreter sees null) and its non-NULL case. With `loose` (a WHERE context,
 * where NULL rejects a row as FALSE does) a split whose NULL case is false is dropped when the
 * comparison itself rejects NULL, leaving a plain, sargable `column op $1`.
 */
export function compare(op: CmpOp, a: SqlVal, b: SqlVal, path: string, loose = false): Bool {
  if (a.lit && b.lit) return jsCompare(op, a.value, b.value);
  if (!a.lit && a.nullable) {
    const whenNull = compare(op, lit(null), b, path, loose);
    return splitNullLoose(a, whenNull, compare(op, nonNull(a), b, path, loose), loose);
  }
  if (!b.lit && b.nullable) {
    const whenNull = compare(op, a, lit(null), path, loose);
    return splitNullLoose(b, whenNull, compare(op, a, nonNull(b), path, loose), loose);
  }
  if (!a.lit && b.lit) return exprVsLit(op, a, b.value, true, path);
  if (a.lit && !b.lit) return exprVsLit(op, b, a.value, false, path);
  return rejecting(exprVsExpr(op, a as SqlExpr, b as SqlExpr, path));
}
