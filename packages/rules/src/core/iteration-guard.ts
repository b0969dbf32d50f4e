import type { OpEnv } from './eval-context.js';
import { RuleError } from './rule-error.js';

/**
 * Counts an array against the evaluation's bounds before it is iterated or produced; non-arrays pass
 * through untouched (the operations treat them as json-logic-js does).
 */
export function guardArray<T>(env: OpEnv, value: T): T {
  if (!Array.isArray(value)) return value;
  if (value.length > env.limits.maxArrayLength) {
    throw new RuleError('array_too_long', `${value.length} > ${env.limits.maxArrayLength}`);
  }
  env.iterations += value.length;
  if (env.iterations > env.limits.maxIterations) {
    throw new RuleError('iteration_budget_exceeded', `more than ${env.limits.maxIterations} elements`);
  }
  return value;
}
