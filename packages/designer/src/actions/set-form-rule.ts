import type { AppDocument, FormLinkageRule, FormValidationRule } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { insertAt, replaceAt, withForm } from '../core/doc-edit.js';
import { ID_PATTERNS, numbered } from '../core/ids.js';
import { sameJson } from '../core/same-json.js';

type Draft<R> = Omit<R, 'id'> & { readonly id?: string };

/**
 * Adds or replaces (by `rule.id`) a linkage or validation rule of a form. Conditions are the rule language
 * (JsonLogic); build them with the rule builder (`ruleToJsonLogic`). A rule without an id gets `rule-N`.
 * Rule ids are unique across both lists of the form.
 * @example { type: 'setFormRule', formId: 'opportunity_full', ruleKind: 'linkage',
 *            rule: { when: { '==': [{ var: 'stage' }, 'lost'] }, action: 'require', fields: ['lossReason'] } }
 */
export type SetFormRuleAction = {
  readonly type: 'setFormRule';
  readonly formId: string;
  /** Where a new rule goes in its list (default: last); ignored when replacing. */
  readonly index?: number;
} & (
  | { readonly ruleKind: 'linkage'; readonly rule: Draft<FormLinkageRule> }
  | { readonly ruleKind: 'validation'; readonly rule: Draft<FormValidationRule> }
);

/** Applies {@link SetFormRuleAction}. */
export function applySetFormRule(doc: AppDocument, action: SetFormRuleAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const mine = (action.ruleKind === 'linkage' ? form.linkage : form.validation) ?? [];
  const other = (action.ruleKind === 'linkage' ? form.validation : form.linkage) ?? [];
  const taken = new Set([...mine, ...other].map((r) => r.id));
  const id = action.rule.id ?? numbered('rule', taken, '-');
  if (!ID_PATTERNS.formNode.test(id))
    return refuse('invalid_id', `规则 id "${id}" 无效`, `Rule id "${id}" is invalid`);
  if (other.some((r) => r.id === id))
    return refuse(
      'duplicate_id',
      `规则 id "${id}" 已被另一类规则使用`,
      `Rule id "${id}" is used by a rule of the other kind`,
    );
  const rule = { ...action.rule, id };
  const at = mine.findIndex((r) => r.id === id);
  const list =
    at >= 0
      ? sameJson(mine[at], rule)
        ? mine
        : replaceAt(mine as unknown[], at, rule)
      : insertAt(mine as unknown[], action.index ?? mine.length, rule);
  const next = withForm(doc, form.id, (f) =>
    list === mine
      ? f
      : action.ruleKind === 'linkage'
        ? { ...f, linkage: list as FormLinkageRule[] }
        : { ...f, validation: list as FormValidationRule[] },
  )!;
  return done(next, { kind: 'formRule', formId: form.id, ruleId: id });
}

/** The `setFormRule` handler; editing only a validation message merges into one undo step. */
export const setFormRule: ActionHandler<SetFormRuleAction> = {
  label: bi('设置表单规则', 'Set form rule'),
  apply: applySetFormRule,
  coalesceKey: (a, before) => {
    if (a.ruleKind !== 'validation' || a.rule.id === undefined) return undefined;
    const old = before.forms?.find((f) => f.id === a.formId)?.validation?.find((r) => r.id === a.rule.id);
    if (!old) return undefined;
    const { message: _m, ...rest } = a.rule;
    const { message: _o, ...oldRest } = old;
    return sameJson(rest, oldRest) ? `setFormRule:${a.formId}:${a.rule.id}:message` : undefined;
  },
};
