/** Every error code this package raises, with its default English message. One catalogue, one shape. */
export const RULE_ERROR_CODES = {
  unknown_operator: 'Unknown operator',
  bad_arity: 'Wrong number of arguments',
  forbidden_path: 'Forbidden property name in a var path',
  rule_too_deep: 'Rule nesting exceeds the depth limit',
  rule_too_large: 'Rule exceeds the node limit',
  array_too_long: 'Array exceeds the length limit',
  iteration_budget_exceeded: 'Evaluation exceeded its iteration budget',
  string_too_long: 'String exceeds the length limit',
  regex_not_literal: 'A regex pattern must be a string literal',
  regex_too_long: 'Regex pattern exceeds the length limit',
  regex_unsafe: 'Regex pattern may backtrack catastrophically',
  regex_invalid: 'Regex pattern is invalid',
  invalid_argument: 'Invalid argument',
  missing_context: 'The evaluation context lacks a required value',
  not_expressible_in_sql: 'Not expressible in SQL with exactly the interpreter semantics',
  unknown_field: 'Unknown field',
  linkage_cycle: 'Linkage rules do not settle',
  outside_evaluation: 'A platform operation was called outside a rule evaluation',
} as const;

/** A code from {@link RULE_ERROR_CODES}. */
export type RuleErrorCode = keyof typeof RULE_ERROR_CODES;

/**
 * The one error type thrown by this package: a stable `code`, a message and, when known, the
 * JSON pointer of the offending rule node.
 *
 * @example
 * try { evaluateRule({ var: '__proto__' }, {}) } catch (e) { (e as RuleError).code === 'forbidden_path' }
 */
export class RuleError extends Error {
  /** Stable machine-readable code. */
  readonly code: RuleErrorCode;
  /** JSON pointer into the rule, e.g. `/and/1/</0`; empty for the root. */
  readonly path: string | undefined;
  /** The specific detail, without the catalogue message. */
  readonly detail: string | undefined;

  constructor(code: RuleErrorCode, detail?: string, path?: string) {
    const where = path === undefined ? '' : ` at ${path === '' ? '/' : path}`;
    super(`${RULE_ERROR_CODES[code]}${detail ? `: ${detail}` : ''}${where}`);
    this.name = 'RuleError';
    this.code = code;
    this.path = path;
    this.detail = detail;
  }

  /** The same error, located at another JSON pointer. */
  at(path: string): RuleError {
    return new RuleError(this.code, this.detail, path);
  }
}

/** Appends one JSON-pointer segment (escaping `~` and `/`). */
export function pointer(base: string, segment: string | number): string {
  return `${base}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
