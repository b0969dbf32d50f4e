import { type RawBuilder, sql } from 'kysely';
import type { CurrentUser } from '../core/eval-context.js';
import type { FieldKind } from '../core/field-kind.js';
import { RuleError } from '../core/rule-error.js';

/** One field the SQL compiler may read: its rule key, its column and its storage kind. */
export interface SqlField {
  readonly key: string;
  readonly column: string;
  readonly kind: FieldKind;
}

/** What {@link compileRuleToSql} needs to know besides the rule. */
export interface SqlCompileContext {
  readonly fields: readonly SqlField[];
  /** App time zone (default Asia/Shanghai). */
  readonly timeZone?: string;
  /** The clock reading for `now`/`today`. */
  readonly now?: Date;
  readonly user?: CurrentUser;
  /** Qualifies every column, e.g. `t` gives `"t"."amount"`. */
  readonly tableAlias?: string;
  /**
   * When true, the condition is two-valued (never NULL), for a SELECT list or a caller's own `NOT`.
   * By default it is a WHERE predicate: TRUE exactly on the interpreter-truthy rows and FALSE or NULL
   * elsewhere, which lets comparisons drop NULL guards and stay index-friendly.
   */
  readonly twoValued?: boolean;
}

/** Any SQL fragment. */
export type Frag = RawBuilder<unknown>;

/**
 * The JavaScript value class a SQL expression stands for, i.e. what the interpreter would see:
 * `number` a JS number; `decimal` a decimal string; `text`/`uuid` strings; `date` a `YYYY-MM-DD`
 * string; `datetime` an ISO string; `boolean`; `textArray` an array of strings.
 */
export type SqlClass = 'text' | 'number' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'textArray' | 'uuid';

/** A compiled operand: either a value known at compile time, or a typed SQL expression. */
export type SqlVal =
  | { readonly lit: true; readonly value: unknown }
  | {
      readonly lit: false;
      readonly cls: SqlClass;
      readonly sql: Frag;
      /** Whether the expression can be NULL (the interpreter then sees null). */
      readonly nullable: boolean;
      /**
       * For `decimal`: whether the interpreter's string is exactly PostgreSQL's `numeric::text`
       * (true for columns, false for computed values such as `dec_add`, whose JS text is normalised).
       */
      readonly exactText: boolean;
      /** True for a plain column reference (so a comparison with a parameter can use its index). */
      readonly column?: boolean;
    };

/** A non-literal {@link SqlVal}. */
export type SqlExpr = Extract<SqlVal, { lit: false }>;

/** A literal operand. */
export const lit = (value: unknown): SqlVal => ({ lit: true, value });

/** An expression operand. */
export function expr(cls: SqlClass, fragment: Frag, nullable: boolean, exactText = true): SqlExpr {
  return { lit: false, cls, sql: fragment, nullable, exactText };
}

/** The SQL boolean constants. */
export const TRUE: Frag = sql`true`;
export const FALSE: Frag = sql`false`;
/** A constant boolean fragment. */
export const bool = (value: boolean): Frag => (value ? TRUE : FALSE);

/** Raised for anything the SQL backend cannot express with exactly the interpreter's semantics. */
export function notInSql(detail: string, path: string): RuleError {
  return new RuleError('not_expressible_in_sql', detail, path);
}

/** A text parameter (rejecting NUL, which PostgreSQL text cannot hold). */
export function textParam(value: string, path: string): Frag {
  if (value.includes('\u0000')) throw notInSql('text containing NUL', path);
  return sql`${value}::text`;
}

/** A double-precision parameter. */
export const floatParam = (value: number): Frag => sql`${value}::float8`;

/** `CASE WHEN x IS NULL THEN whenNull ELSE otherwise END`, simplified when `whenNull` is constant. */
export function nullSplit(x: SqlExpr, whenNull: Frag | boolean, otherwise: Frag): Frag {
  if (!x.nullable) return otherwise;
  if (whenNull === false) return sql`(${x.sql} IS NOT NULL AND ${otherwise})`;
  if (whenNull === true) return sql`(${x.sql} IS NULL OR ${otherwise})`;
  return sql`(CASE WHEN ${x.sql} IS NULL THEN ${whenNull} ELSE ${otherwise} END)`;
}

/** The same expression, known not to be NULL (inside the ELSE branch of {@link nullSplit}). */
export const nonNull = (x: SqlExpr): SqlExpr => ({ ...x, nullable: false });

/** True when every UTF-16 unit is below U+D800, where UTF-16 and code-point order agree. */
export function belowSurrogates(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0xd800) return false;
  return true;
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** True for a lowercase canonical UUID, the form PostgreSQL prints. */
export const isCanonicalUuid = (value: unknown): value is string =>
  typeof value === 'string' && CANONICAL_UUID.test(value);
