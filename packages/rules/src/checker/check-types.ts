import type { FieldKind } from '../core/field-kind.js';
import type { RuleLimits } from '../core/rule-limits.js';
import type { RuleContextKind } from '../ops/op-types.js';

/** A field as the static checker sees it. */
export interface CheckField {
  readonly key: string;
  readonly kind: FieldKind;
  /** Option ids, for single selects (kind text) and multi-selects (kind textArray). */
  readonly options?: readonly string[];
  /** Hidden from the current user: referencing it is an error. */
  readonly hidden?: boolean;
}

/** Options for {@link checkRule}. */
export interface CheckOptions {
  readonly fields: readonly CheckField[];
  readonly context: RuleContextKind;
  /** When given, only these operators may be used. */
  readonly allowedOps?: readonly string[];
  readonly limits?: Partial<RuleLimits>;
}

/** The problems {@link checkRule} reports. */
export type CheckCode =
  | 'unknown_field'
  | 'hidden_field'
  | 'computed_path'
  | 'type_mismatch'
  | 'unknown_option'
  | 'operator_not_allowed'
  | 'unknown_operator'
  | 'bad_arity'
  | 'forbidden_path'
  | 'rule_too_deep'
  | 'rule_too_large'
  | 'unsafe_regex';

/** One problem found in a rule, at a JSON pointer. */
export interface CheckIssue {
  readonly path: string;
  readonly code: CheckCode;
  readonly message: string;
}

/** The static type of an operand. */
export type StaticType =
  | 'any'
  | 'null'
  | 'number'
  | 'string'
  | 'boolean'
  | 'array'
  | 'date'
  | 'datetime'
  | 'decimal'
  | FieldKind;

/** An operand's static type, its literal value when known, and the field it reads directly. */
export interface Typed {
  readonly type: StaticType;
  readonly literal?: { value: unknown };
  readonly field?: CheckField;
}
