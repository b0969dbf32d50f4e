import { type RawBuilder, sql } from 'kysely';
import { formatDate } from '../core/calendar.js';
import { RuleError } from '../core/rule-error.js';
import { toInstant, toLocalDate } from '../core/time-zone.js';
import { DATE_UNITS, type DateUnit } from '../ops/date-ops.js';
import { decimalText, toDecimal } from '../ops/decimal-ops.js';
import type { PlatformOpName } from '../ops/platform-ops.js';
import { asciiLower, asText } from '../ops/text-ops.js';
import { and, type Bool, isRejecting, or, rejecting, splitNull, splitNullLoose } from './sql-bool.js';
import type { SqlCompiler } from './sql-compiler.js';
import { boolVal, type SqlHandler, type SqlTruthHandler, textOf } from './sql-standard.js';
import {
  expr,
  type Frag,
  lit,
  nonNull,
  notInSql,
  type SqlExpr,
  type SqlVal,
  textParam,
} from './sql-value.js';

const argValues = (c: SqlCompiler, args: readonly unknown[], paths: readonly string[], opPath: string) =>
  args.map((a, i) => c.value(a, paths[i] ?? opPath));

const tzParam = (c: SqlCompiler) => sql`${c.timeZone}::text`;

/** SQL `date` of an operand as the date ops read it, or null when the interpreter would read null. */
function dateOf(c: SqlCompiler, v: SqlVal, path: string): { frag: Frag; nullable: boolean } | null {
  if (v.lit) {
    const date = toLocalDate(v.value, c.timeZone);
    return date ? { frag: sql`${formatDate(date)}::date`, nullable: false } : null;
  }
  if (v.cls === 'date') return { frag: v.sql, nullable: v.nullable };
  if (v.cls === 'datetime')
    return { frag: sql`((${v.sql}) AT TIME ZONE ${tzParam(c)})::date`, nullable: v.nullable };
  throw notInSql(`date operation on a ${v.cls} value`, path);
}

/** SQL `timestamptz` of an operand as the datetime ops read it (dates as their local midnight). */
function instantOf(c: SqlCompiler, v: SqlVal, path: string): { frag: Frag; nullable: boolean } | null {
  if (v.lit) {
    const instant = toInstant(v.value, c.timeZone);
    return instant === null
      ? null
      : { frag: sql`${new Date(instant).toISOString()}::timestamptz`, nullable: false };
  }
  if (v.cls === 'datetime') return { frag: v.sql, nullable: v.nullable };
  if (v.cls === 'date') {
    return { frag: sql`((${v.sql})::timestamp AT TIME ZONE ${tzParam(c)})`, nullable: v.nullable };
  }
  throw notInSql(`datetime operation on a ${v.cls} value`, path);
}

const SQL_OPS = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
type CmpName = keyof typeof SQL_OPS;

/**
 * A dec_/date_/datetime_ comparison. The interpreter answers false when either side reads null, so
 * in a WHERE (loose) context the bare, sargable `a op b` suffices (NULL rejects the row); as a value it
 * is wrapped in `coalesce(…, false)` to stay two-valued.
 */
function typedCompare(
  read: (c: SqlCompiler, v: SqlVal, path: string) => { frag: Frag; nullable: boolean } | null,
  op: CmpName,
): { truth: SqlTruthHandler; value: SqlHandler } {
  const truth: SqlTruthHandler = (c, args, paths, opPath, loose) => {
    const [a, b] = argValues(c, args, paths, opPath).map((v, i) => read(c, v, paths[i] ?? opPath));
    if (!a || !b) return false;
    const cmp = sql`(${a.frag} ${sql.raw(SQL_OPS[op])} ${b.frag})`;
    if (loose || (!a.nullable && !b.nullable)) return rejecting(cmp);
    return rejecting(sql`coalesce(${cmp}, false)`);
  };
  return { truth, value: (c, args, paths, opPath) => boolVal(truth(c, args, paths, opPath, false)) };
}

function startOf(unit: 'week' | 'month' | 'quarter' | 'year'): SqlHandler {
  return (c, args, paths, opPath) => {
    const [v] = argValues(c, args, paths, opPath);
    if (!v || v.lit) throw notInSql('start_of on a constant', opPath);
    const local =
      v.cls === 'date'
        ? sql`(${v.sql})::timestamp`
        : v.cls === 'datetime'
          ? sql`((${v.sql}) AT TIME ZONE ${tzParam(c)})`
          : null;
    if (!local) throw notInSql(`start_of on a ${v.cls} value`, opPath);
    return expr('date', sql`(date_trunc(${sql.lit(unit)}, ${local}))::date`, v.nullable);
  };
}

const MONTHS: Partial<Record<DateUnit, number>> = { month: 1, quarter: 3, year: 12 };
const DAYS: Partial<Record<DateUnit, number>> = { day: 1, week: 7 };

const dateAdd: SqlHandler = (c, args, paths, opPath) => {
  const [v, amount, unit] = argValues(c, args, paths, opPath);
  if (!v || v.lit || !amount?.lit || !unit?.lit)
    throw notInSql('date_add with a field amount or unit', opPath);
  if (typeof amount.value !== 'number' || !Number.isInteger(amount.value)) return lit(null);
  if (typeof unit.value !== 'string' || !(DATE_UNITS as readonly string[]).includes(unit.value)) {
    throw new RuleError(
      'invalid_argument',
      `date_add unit must be one of ${DATE_UNITS.join(', ')}`,
      paths[2],
    );
  }
  if (v.cls !== 'date' && v.cls !== 'datetime') throw notInSql(`date_add on a ${v.cls} value`, opPath);
  const u = unit.value as DateUnit;
  const n = amount.value;
  const tz = tzParam(c);
  const interval =
    u === 'minute'
      ? sql`make_interval(mins => ${n}::int)`
      : u === 'hour'
        ? sql`make_interval(hours => ${n}::int)`
        : MONTHS[u] !== undefined
          ? sql`make_interval(months => ${n * MONTHS[u]}::int)`
          : sql`make_interval(days => ${n * (DAYS[u] ?? 0)}::int)`;
  const timeUnit = u === 'minute' || u === 'hour';
  if (v.cls === 'date') {
    if (timeUnit)
      return expr('datetime', sql`(((${v.sql})::timestamp AT TIME ZONE ${tz}) + ${interval})`, v.nullable);
    return expr('date', sql`((${v.sql}) + ${interval})::date`, v.nullable);
  }
  if (timeUnit) return expr('datetime', sql`((${v.sql}) + ${interval})`, v.nullable);
  return expr(
    'datetime',
    sql`((((${v.sql}) AT TIME ZONE ${tz}) + ${interval}) AT TIME ZONE ${tz})`,
    v.nullable,
  );
};

const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const foldSql = (frag: Frag) =>
  sql`translate(${frag}, ${sql.lit(ASCII_UPPER)}, ${sql.lit(ASCII_UPPER.toLowerCase())})`;

function textTest(kind: 'contains' | 'starts' | 'ends', fold: boolean): SqlHandler {
  return (c, args, paths, opPath) => {
    const [hay, needle] = argValues(c, args, paths, opPath);
    if (!hay || !needle || hay.lit || !needle.lit)
      throw notInSql('text test needs a field and a literal', opPath);
    const raw = asText(needle.value);
    if (raw === null) return lit(false);
    const n = fold ? asciiLower(raw) : raw;
    const h = fold ? foldSql(textOf(hay, opPath)) : textOf(hay, opPath);
    const p = textParam(n, opPath);
    const test =
      kind === 'contains'
        ? sql`(strpos(${h}, ${p}) > 0)`
        : kind === 'starts'
          ? sql`starts_with(${h}, ${p})`
          : sql`(right(${h}, ${[...n].length}::int) = ${p})`;
    return boolVal(splitNull(hay, false, test));
  };
}

function emptiness(negate: boolean): SqlHandler {
  return (c, args, paths, opPath) => {
    const [v] = argValues(c, args, paths, opPath);
    if (!v || v.lit) throw notInSql('is_empty on a constant', opPath);
    const x = nonNull(v);
    const nonNullEmpty: Bool =
      x.cls === 'text'
        ? sql`(${x.sql} = '')`
        : x.cls === 'textArray'
          ? sql`(cardinality(${x.sql}) = 0)`
          : false;
    const empty = splitNull(v, true, nonNullEmpty);
    return boolVal(negate ? (typeof empty === 'boolean' ? !empty : sql`(NOT ${empty})`) : empty);
  };
}

const notNullOf = (v: SqlVal): Bool =>
  v.lit ? v.value !== null && v.value !== undefined : splitNull(v, false, true);

const between: SqlHandler = (c, args, paths, opPath) => {
  const [x, lo, hi] = argValues(c, args, paths, opPath);
  if (!x || !lo || !hi) throw notInSql('between', opPath);
  return boolVal(
    and([
      notNullOf(x),
      notNullOf(lo),
      notNullOf(hi),
      c.compare('le', lo, x, opPath),
      c.compare('le', x, hi, opPath),
    ]),
  );
};

const inListTruth: SqlTruthHandler = (c, args, paths, opPath, loose) => {
  const [x, list] = argValues(c, args, paths, opPath);
  if (!x || !list || x.lit || !list.lit) throw notInSql('in_list needs a field and a literal list', opPath);
  if (!Array.isArray(list.value)) return false;
  if (x.cls === 'textArray') {
    const strings = list.value.filter((item): item is string => typeof item === 'string');
    if (strings.length === 0) return false;
    const array = sql`ARRAY[${sql.join(strings.map((s) => textParam(s, opPath)))}]::text[]`;
    return splitNullLoose(x, false, rejecting(sql`(${x.sql} && ${array})`), loose);
  }
  const strings = list.value.filter((item): item is string => typeof item === 'string');
  if (x.cls === 'text' && strings.length > 1) {
    for (const s of strings) textParam(s, opPath);
    return splitNullLoose(x, false, rejecting(sql`(${x.sql} = ANY(${strings}::text[]))`), loose);
  }
  const hits = list.value.map((item) =>
    item === null || item === undefined ? false : c.compare('seq', nonNull(x), lit(item), opPath),
  );
  const any = or(hits);
  return splitNullLoose(x, false, hits.every(isRejecting) ? rejecting(any) : any, loose);
};

/** A numeric operand of the dec_* operations, or null when the interpreter would read null. */
function numericOf(v: SqlVal, path: string): { frag: Frag; nullable: boolean } | null {
  if (v.lit) {
    let parsed: ReturnType<typeof toDecimal>;
    try {
      parsed = toDecimal(v.value);
    } catch (error) {
      throw error instanceof RuleError ? error.at(path) : error;
    }
    return parsed === null ? null : { frag: sql`${decimalText(parsed)}::numeric`, nullable: false };
  }
  // A numeric column is compared as itself, so its btree index applies.
  if (v.cls === 'decimal') return { frag: v.column ? v.sql : sql`(${v.sql})::numeric`, nullable: v.nullable };
  if (v.cls === 'number') return { frag: sql`(${v.sql})::numeric`, nullable: v.nullable };
  throw notInSql(`decimal operation on a ${v.cls} value`, path);
}

function decArithmetic(symbol: '+' | '-' | '*'): SqlHandler {
  return (c, args, paths, opPath) => {
    const vals = argValues(c, args, paths, opPath).map((v, i) => numericOf(v, paths[i] ?? opPath));
    if (vals.some((v) => v === null)) return lit(null);
    const parts = vals as { frag: Frag; nullable: boolean }[];
    const frag = sql`(${sql.join(
      parts.map((p) => p.frag),
      sql.raw(` ${symbol} `),
    )})`;
    return expr(
      'decimal',
      frag,
      parts.some((p) => p.nullable),
      false,
    );
  };
}

const decRound: SqlHandler = (c, args, paths, opPath) => {
  const [v, places] = argValues(c, args, paths, opPath);
  if (!v) throw notInSql('dec_round', opPath);
  const p = places === undefined ? 2 : places.lit ? places.value : undefined;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 20) {
    throw new RuleError('invalid_argument', 'dec_round places must be an integer 0..20', paths[1] ?? opPath);
  }
  const x = numericOf(v, paths[0] ?? opPath);
  if (!x) return lit(null);
  return expr('decimal', sql`round(${x.frag}, ${p}::int)`, x.nullable, false);
};

const unsupported =
  (why: string): SqlHandler =>
  (_c, _a, _p, opPath) => {
    throw notInSql(why, opPath);
  };

// Context operations are constant and folded before dispatch; reaching them here is a bug.
const folded = unsupported('context operation with record input');

const comparisons = (read: Parameters<typeof typedCompare>[0]) => ({
  eq: typedCompare(read, 'eq'),
  ne: typedCompare(read, 'ne'),
  lt: typedCompare(read, 'lt'),
  lte: typedCompare(read, 'lte'),
  gt: typedCompare(read, 'gt'),
  gte: typedCompare(read, 'gte'),
});
const DATE_CMP = comparisons(dateOf);
const INSTANT_CMP = comparisons(instantOf);
const DEC_CMP = comparisons((_c, v, path) => numericOf(v, path));

/** The platform operations with a condition-position form (see {@link SqlTruthHandler}). */
export const PLATFORM_TRUTH: Partial<Record<PlatformOpName, SqlTruthHandler>> = {
  date_eq: DATE_CMP.eq.truth,
  date_ne: DATE_CMP.ne.truth,
  date_lt: DATE_CMP.lt.truth,
  date_lte: DATE_CMP.lte.truth,
  date_gt: DATE_CMP.gt.truth,
  date_gte: DATE_CMP.gte.truth,
  datetime_eq: INSTANT_CMP.eq.truth,
  datetime_lt: INSTANT_CMP.lt.truth,
  datetime_lte: INSTANT_CMP.lte.truth,
  datetime_gt: INSTANT_CMP.gt.truth,
  datetime_gte: INSTANT_CMP.gte.truth,
  dec_eq: DEC_CMP.eq.truth,
  dec_ne: DEC_CMP.ne.truth,
  dec_lt: DEC_CMP.lt.truth,
  dec_lte: DEC_CMP.lte.truth,
  dec_gt: DEC_CMP.gt.truth,
  dec_gte: DEC_CMP.gte.truth,
  in_list: inListTruth,
};

/** Every platform operation's SQL translation (or its reason for having none). */
export const PLATFORM_SQL: Record<PlatformOpName, SqlHandler> = {
  today: folded,
  now: folded,
  current_user: folded,
  current_user_departments: folded,
  current_user_roles: folded,
  date_eq: DATE_CMP.eq.value,
  date_ne: DATE_CMP.ne.value,
  date_lt: DATE_CMP.lt.value,
  date_lte: DATE_CMP.lte.value,
  date_gt: DATE_CMP.gt.value,
  date_gte: DATE_CMP.gte.value,
  datetime_eq: INSTANT_CMP.eq.value,
  datetime_lt: INSTANT_CMP.lt.value,
  datetime_lte: INSTANT_CMP.lte.value,
  datetime_gt: INSTANT_CMP.gt.value,
  datetime_gte: INSTANT_CMP.gte.value,
  date_diff_days: (c, args, paths, opPath) => {
    const [a, b] = argValues(c, args, paths, opPath).map((v, i) => dateOf(c, v, paths[i] ?? opPath));
    if (!a || !b) return lit(null);
    return expr('number', sql`(${b.frag} - ${a.frag})`, a.nullable || b.nullable);
  },
  datetime_diff_hours: (c, args, paths, opPath) => {
    const [a, b] = argValues(c, args, paths, opPath).map((v, i) => instantOf(c, v, paths[i] ?? opPath));
    if (!a || !b) return lit(null);
    const diff = sql`trunc((extract(epoch from ${b.frag}) - extract(epoch from ${a.frag})) / 3600)`;
    return expr('number', diff, a.nullable || b.nullable);
  },
  date_add: dateAdd,
  start_of_week: startOf('week'),
  start_of_month: startOf('month'),
  start_of_quarter: startOf('quarter'),
  start_of_year: startOf('year'),
  contains: textTest('contains', false),
  contains_ci: textTest('contains', true),
  starts_with: textTest('starts', false),
  starts_with_ci: textTest('starts', true),
  ends_with: textTest('ends', false),
  ends_with_ci: textTest('ends', true),
  regex_match: unsupported('regex_match (JavaScript and PostgreSQL regex dialects differ)'),
  is_empty: emptiness(false),
  is_not_empty: emptiness(true),
  between,
  in_list: (c, args, paths, opPath) => boolVal(inListTruth(c, args, paths, opPath, false)),
  dec_add: decArithmetic('+'),
  dec_sub: decArithmetic('-'),
  dec_mul: decArithmetic('*'),
  dec_div: unsupported('dec_div (PostgreSQL chooses a different result scale)'),
  dec_round: decRound,
  dec_eq: DEC_CMP.eq.value,
  dec_ne: DEC_CMP.ne.value,
  dec_lt: DEC_CMP.lt.value,
  dec_lte: DEC_CMP.lte.value,
  dec_gt: DEC_CMP.gt.value,
  dec_gte: DEC_CMP.gte.value,
  old: unsupported('old (update triggers have no SQL meaning)'),
  new: unsupported('new (update triggers have no SQL meaning)'),
  changed: unsupported('changed (update triggers have no SQL meaning)'),
};

export type { RawBuilder, SqlExpr };
