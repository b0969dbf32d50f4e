import type { OpEnv } from '../core/eval-context.js';

/** An operation's implementation: evaluated arguments in, value out. `data` is the current scope. */
export type OpImpl = (env: OpEnv, data: unknown, args: readonly unknown[]) => unknown;

/** Where a rule is used; some operations only make sense in some places. */
export type RuleContextKind = 'filter' | 'validation' | 'linkage' | 'assignment' | 'scoring' | 'flow';

/** All rule contexts. */
export const ALL_CONTEXTS: readonly RuleContextKind[] = [
  'filter',
  'validation',
  'linkage',
  'assignment',
  'scoring',
  'flow',
];

/** What the static checker expects of an operand. */
export type ParamType =
  | 'any'
  | 'temporal'
  | 'datetime'
  | 'text'
  | 'decimal'
  | 'integer'
  | 'list'
  | 'field'
  | 'unit';

/** What the static checker infers for an operation's result. */
export type ResultType = 'any' | 'boolean' | 'number' | 'string' | 'date' | 'datetime' | 'decimal' | 'array';

/** One platform operation: its implementation plus what the checker needs to know. */
export interface PlatformOpSpec {
  readonly impl: OpImpl;
  /** Minimum and maximum argument counts. */
  readonly arity: readonly [number, number];
  /** Operand types, the last repeated for extra arguments. */
  readonly params: readonly ParamType[];
  readonly result: ResultType;
  /** Contexts it may be used in; absent means all. */
  readonly contexts?: readonly RuleContextKind[];
  /** Whether its value depends only on the context (clock, user), not on the record. */
  readonly contextConstant?: boolean;
}
