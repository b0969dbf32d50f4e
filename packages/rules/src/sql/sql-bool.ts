import { sql } from 'kysely';
import { truthy } from '../core/json-value.js';
import {
  bool,
  type Frag,
  nonNull,
  nullSplit,
  type SqlClass,
  type SqlExpr,
  type SqlVal,
} from './sql-value.js';

/** A two-valued SQL condition, or a constant when it is known at compile time. */
export type Bool = Frag | boolean;

/** Turns a {@link Bool} into SQL. */
export const toFrag = (value: Bool): Frag => (typeof value === 'boolean' ? bool(value) : value);

/** Conjunction with constant folding. */
export function and(parts: readonly Bool[]): Bool {
  const live: Frag[] = [];
  for (const part of parts) {
    if (part === false) return false;
    if (part !== true) live.push(part);
  }
  if (live.length === 0) return true;
  if (live.length === 1) return live[0]!;
  return sql`(${sql.join(live, sql` AND `)})`;
}

/** Disjunction with constant folding. */
export function or(parts: readonly Bool[]): Bool {
  const live: Frag[] = [];
  for (const part of parts) {
    if (part === true) return true;
    if (part !== false) live.push(part);
  }
  if (live.length === 0) return false;
  if (live.length === 1) return live[0]!;
  return sql`(${sql.join(live, sql` OR `)})`;
}

/** Negation with constant folding (operands are two-valued, so NOT is exact). */
export const not = (part: Bool): Bool => (typeof part === 'boolean' ? !part : sql`(NOT ${part})`);

/** {@link nullSplit} over {@link Bool}s. */
export function splitNull(x: SqlExpr, whenNull: Bool, otherwise: Bool): Bool {
  if (!x.nullable) return otherwise;
  if (typeof otherwise === 'boolean' && whenNull === otherwise) return otherwise;
  if (otherwise === false) {
    if (whenNull === true) return sql`(${x.sql} IS NULL)`;
    return sql`(${x.sql} IS NULL AND ${whenNull})`;
  }
  if (otherwise === true) {
    if (whenNull === false) return sql`(${x.sql} IS NOT NULL)`;
    return sql`(${x.sql} IS NOT NULL OR ${whenNull})`;
  }
  return nullSplit(x, whenNull, otherwise);
}

const NON_NULL_TRUTH: Record<SqlClass, (x: SqlExpr) => Bool> = {
  text: (x) => sql`(${x.sql} <> '')`,
  number: (x) => sql`(${x.sql} <> 0)`,
  decimal: () => true, // a decimal string is never empty, so always truthy ("0" is truthy)
  boolean: (x) => x.sql,
  date: () => true,
  datetime: () => true,
  uuid: () => true,
  textArray: (x) => sql`(cardinality(${x.sql}) > 0)`,
};

/** JsonLogic truthiness of an operand, as a two-valued condition. */
export function truthOf(value: SqlVal): Bool {
  if (value.lit) return truthy(value.value);
  return splitNull(value, false, NON_NULL_TRUTH[value.cls](nonNull(value)));
}

const NULL_REJECTING = new WeakSet<Frag>();

/**
 * Marks a condition as null-rejecting: never TRUE when any expression it compares is NULL (strict
 * operators such as `=`, `<`, casts, and ANDs/ORs of such). Only these may lose their NULL guard in a
 * WHERE (loose) context, where NULL rejects the row just as FALSE does.
 */
export function rejecting(value: Bool): Bool {
  if (typeof value !== 'boolean') NULL_REJECTING.add(value);
  return value;
}

/** True for false and for conditions marked with {@link rejecting}. */
export const isRejecting = (value: Bool): boolean =>
  value === false || (typeof value !== 'boolean' && NULL_REJECTING.has(value));

/**
 * {@link splitNull} where the caller may drop the guard: in a loose (WHERE) context, when the NULL case
 * is false and the non-NULL condition already rejects NULL, the condition alone is exact enough.
 */
export function splitNullLoose(x: SqlExpr, whenNull: Bool, otherwise: Bool, loose: boolean): Bool {
  if (loose && whenNull === false && isRejecting(otherwise)) return otherwise;
  return splitNull(x, whenNull, otherwise);
}
