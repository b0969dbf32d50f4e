import { evaluateRule } from '../compiled/rule-compiler.js';
import type { EvalContext } from '../core/eval-context.js';
import type { Rule } from '../core/json-value.js';
import { truthy } from '../core/json-value.js';
import type { LocalizedText } from './localized-text.js';

/**
 * A record validation rule: when `when` holds (or always, without it), `condition` must hold, else
 * `message` is reported against the field `path`.
 */
export interface ValidationRule {
  readonly id: string;
  readonly when?: Rule;
  readonly condition: Rule;
  readonly message: LocalizedText;
  /** The field key (or form path) the message belongs to. */
  readonly path: string;
}

/** One failed validation rule. */
export interface ValidationFailure {
  readonly ruleId: string;
  readonly path: string;
  readonly message: LocalizedText;
}

/**
 * Runs validation rules over a record (compiled backend) and lists the failures in rule order.
 * For update-time rules pass the stored record as `ctx.previous` so `changed`/`old` work.
 *
 * @example
 * validateRecord([{ id: 'amount-positive', condition: { dec_gt: [{ var: 'amount' }, '0'] },
 *   message: { 'zh-CN': '金额必须大于 0', en: 'Amount must be positive' }, path: 'amount' }],
 *   { amount: '0.00' }) // [{ ruleId: 'amount-positive', path: 'amount', message: {...} }]
 */
export function validateRecord(
  rules: readonly ValidationRule[],
  record: unknown,
  ctx?: EvalContext,
): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const rule of rules) {
    if (rule.when !== undefined && !truthy(evaluateRule(rule.when, record, ctx))) continue;
    if (!truthy(evaluateRule(rule.condition, record, ctx))) {
      failures.push({ ruleId: rule.id, path: rule.path, message: rule.message });
    }
  }
  return failures;
}
