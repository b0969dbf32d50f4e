import { sql } from 'kysely';
import type { SpecialFormName, StandardOpName } from '../ops/standard-ops.js';
import { and, type Bool, isRejecting, not, or, rejecting, splitNullLoose, truthOf } from './sql-bool.js';
import type { SqlCompiler } from './sql-compiler.js';
import { expr, lit, nonNull, notInSql, type SqlExpr, type SqlVal, textParam } from './sql-value.js';

/** Compiles one operation in value position. `paths` are the arguments' JSON pointers. */
export type SqlHandler = (
  c: SqlCompiler,
  args: readonly unknown[],
  paths: readonly string[],
  opPath: string,
) => SqlVal;

/** A condition as an operand (a boolean that is never NULL). */
export const boolVal = (value: Bool): SqlVal =>
  typeof value === 'boolean' ? lit(value) : expr('boolean', value, false);

const values = (
  c: SqlCompiler,
  args: readonly unknown[],
  paths: readonly string[],
  opPath: string,
  min = 2,
) => {
  const out: SqlVal[] = args.map((a, i) => c.value(a, paths[i] ?? opPath));
  while (out.length < min) out.push(lit(undefined));
  return out;
};

const rejected =
  (what: string): SqlHandler =>
  (_c, _a, _p, opPath) => {
    throw notInSql(`${what} over field values`, opPath);
  };

const isBooleanVal = (v: SqlVal) =>
  v.lit ? typeof v.value === 'boolean' : v.cls === 'boolean' && !v.nullable;

function logical(kind: 'and' | 'or'): SqlHandler {
  return (c, args, paths, opPath) => {
    const vals = values(c, args, paths, opPath, 0);
    if (vals.length === 0 || !vals.every(isBooleanVal)) {
      throw notInSql(`${kind} used as a value (it returns an operand, not a boolean)`, opPath);
    }
    const parts = vals.map(truthOf);
    return boolVal(kind === 'and' ? and(parts) : or(parts));
  };
}

const ifValue: SqlHandler = (c, args, paths, opPath) => {
  const branches = args.map((a, i) =>
    i % 2 === 1 || i === args.length - 1 ? c.value(a, paths[i] ?? opPath) : null,
  );
  if (args.length % 2 === 0 || !branches.every((b) => b === null || isBooleanVal(b))) {
    throw notInSql('if used as a non-boolean value', opPath);
  }
  const op = opPath.slice(opPath.lastIndexOf('/') + 1);
  return boolVal(c.truth({ [op]: args as unknown[] }, opPath.slice(0, opPath.lastIndexOf('/'))));
};

/** A condition-position handler: may be NULL where the rule is false when `loose` (a WHERE context). */
export type SqlTruthHandler = (
  c: SqlCompiler,
  args: readonly unknown[],
  paths: readonly string[],
  opPath: string,
  loose: boolean,
) => Bool;

/** Strict membership of a non-NULL expression in literal items: `= ANY($1::text[])` for text. */
function memberOf(c: SqlCompiler, x: SqlExpr, items: readonly unknown[], opPath: string): Bool {
  const live = items.filter((item) => item !== null && item !== undefined);
  const strings = live.filter((item): item is string => typeof item === 'string');
  if (x.cls === 'text' && strings.length > 1) {
    // Non-strings never === a text value; one array parameter keeps the plan (and its index) simple.
    for (const s of strings) textParam(s, opPath);
    return rejecting(sql`(${x.sql} = ANY(${strings}::text[]))`);
  }
  const hits = live.map((item) => c.compare('seq', x, lit(item), opPath));
  const any = or(hits);
  return hits.every(isRejecting) ? rejecting(any) : any;
}

/**
 * `in` as json-logic-js defines it: `b.indexOf(a) !== -1` when b is an array or string, else false.
 * Supported: a field in a literal list or literal string, a literal in a multi-select or text field.
 */
const inTruth: SqlTruthHandler = (c, args, paths, opPath, loose) => {
  const [a, b] = values(c, args, paths, opPath);
  if (!a || !b) throw notInSql('in', opPath);
  if (b.lit) {
    const list = b.value;
    if (!list || typeof (list as { indexOf?: unknown }).indexOf === 'undefined') return false;
    if (a.lit) return (list as unknown[]).indexOf(a.value) !== -1;
    if (Array.isArray(list)) {
      const whenNull = list.indexOf(null) !== -1;
      return splitNullLoose(a, whenNull, memberOf(c, nonNull(a), list, opPath), loose);
    }
    // b is a literal string: String(a) is searched in it.
    const hay = list as string;
    const whenNull = hay.indexOf('null') !== -1;
    const needle = textOf(a, opPath);
    const found = rejecting(sql`(strpos(${textParam(hay, opPath)}, ${needle}) > 0)`);
    return splitNullLoose(a, whenNull, found, loose);
  }
  if (!a.lit) throw notInSql('in with field values on both sides', opPath);
  if (b.cls === 'textArray') {
    if (typeof a.value !== 'string') return false;
    const found = rejecting(sql`coalesce(${textParam(a.value, opPath)} = ANY(${b.sql}), false)`);
    return splitNullLoose(b, false, found, loose);
  }
  const hay = textOf(b, opPath);
  const needle = String(a.value);
  const found = rejecting(sql`(${hay} <> '' AND strpos(${hay}, ${textParam(needle, opPath)}) > 0)`);
  return splitNullLoose(b, false, found, loose);
};

/** The SQL text that equals the interpreter's string for a text-like expression. */
export function textOf(x: SqlExpr, path: string) {
  switch (x.cls) {
    case 'text':
      return x.sql;
    case 'uuid':
      return sql`(${x.sql})::text`;
    case 'decimal':
      if (!x.exactText) throw notInSql('text of a computed decimal', path);
      return sql`(${x.sql})::text`;
    default:
      throw notInSql(`text operation on a ${x.cls} value`, path);
  }
}

function comparison(build: (v: SqlVal[], c: SqlCompiler, at: string, loose: boolean) => Bool) {
  const truth: SqlTruthHandler = (c, args, paths, opPath, loose) =>
    build(values(c, args, paths, opPath), c, opPath, loose);
  const value: SqlHandler = (c, args, paths, opPath) => boolVal(truth(c, args, paths, opPath, false));
  return { truth, value };
}

const lessThan = (op: 'lt' | 'le') =>
  comparison(([a, b, third], c, at, loose) => {
    const first = c.compare(op, a!, b!, at, loose);
    if (third === undefined || (third.lit && third.value === undefined)) return first;
    return and([first, c.compare(op, b!, third, at, loose)]);
  });

const CMP = {
  '==': comparison(([a, b], c, at, loose) => c.compare('eq', a!, b!, at, loose)),
  '!=': comparison(([a, b], c, at) => not(c.compare('eq', a!, b!, at))),
  '===': comparison(([a, b], c, at, loose) => c.compare('seq', a!, b!, at, loose)),
  '!==': comparison(([a, b], c, at) => not(c.compare('seq', a!, b!, at))),
  '<': lessThan('lt'),
  '<=': lessThan('le'),
  '>': comparison(([a, b], c, at, loose) => c.compare('lt', b!, a!, at, loose)),
  '>=': comparison(([a, b], c, at, loose) => c.compare('le', b!, a!, at, loose)),
};

/** The standard operations with a condition-position form (see {@link SqlTruthHandler}). */
export const STANDARD_TRUTH: Partial<Record<StandardOpName, SqlTruthHandler>> = {
  '==': CMP['=='].truth,
  '===': CMP['==='].truth,
  '<': CMP['<'].truth,
  '<=': CMP['<='].truth,
  '>': CMP['>'].truth,
  '>=': CMP['>='].truth,
  in: inTruth,
};

/** Every JsonLogic standard operation and special form in value position. */
export const STANDARD_SQL: Record<StandardOpName | SpecialFormName, SqlHandler> = {
  '==': CMP['=='].value,
  '!=': CMP['!='].value,
  '===': CMP['==='].value,
  '!==': CMP['!=='].value,
  '<': CMP['<'].value,
  '<=': CMP['<='].value,
  '>': CMP['>'].value,
  '>=': CMP['>='].value,
  '!': (c, args, paths, opPath) => boolVal(not(c.truth(args[0], paths[0] ?? opPath))),
  '!!': (c, args, paths, opPath) => boolVal(c.truth(args[0], paths[0] ?? opPath)),
  in: (c, args, paths, opPath) => boolVal(inTruth(c, args, paths, opPath, false)),
  and: logical('and'),
  or: logical('or'),
  if: ifValue,
  '?:': ifValue,
  var: rejected('var'), // handled by the compiler before dispatch
  '%': rejected('%'),
  cat: rejected('cat'),
  substr: rejected('substr'),
  '+': rejected('+'),
  '*': rejected('*'),
  '-': rejected('-'),
  '/': rejected('/'),
  min: rejected('min'),
  max: rejected('max'),
  merge: rejected('merge'),
  missing: rejected('missing'),
  missing_some: rejected('missing_some'),
  filter: rejected('filter'),
  map: rejected('map'),
  reduce: rejected('reduce'),
  all: rejected('all'),
  none: rejected('none'),
  some: rejected('some'),
};
