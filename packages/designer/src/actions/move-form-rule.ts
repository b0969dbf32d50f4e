import type { AppDocument, FormLinkageRule, FormValidationRule } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { type ListTarget, moveTo, targetIndex, targetRef, withForm } from '../core/doc-edit.js';

/**
 * Reorders a rule within its list (linkage or validation). Order matters: the last matching set-value
 * rule wins, and validation failures are reported in order.
 * @example { type: 'moveFormRule', formId: 'opportunity_full', ruleId: 'loss-required', target: { index: 0 } }
 */
export interface MoveFormRuleAction {
  readonly type: 'moveFormRule';
  readonly formId: string;
  readonly ruleId: string;
  readonly target: ListTarget;
}

/** Applies {@link MoveFormRuleAction}. */
export function applyMoveFormRule(doc: AppDocument, action: MoveFormRuleAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const key = form.linkage?.some((r) => r.id === action.ruleId)
    ? 'linkage'
    : form.validation?.some((r) => r.id === action.ruleId)
      ? 'validation'
      : undefined;
  if (!key) return missing.formRule(action.ruleId);
  const list = (form[key] ?? []) as Array<FormLinkageRule | FormValidationRule>;
  const to = targetIndex(list, action.target, action.ruleId);
  if (to === undefined) return missing.formRule(targetRef(action.target));
  const moved = moveTo(
    list,
    list.findIndex((r) => r.id === action.ruleId),
    to,
  );
  return done(withForm(doc, form.id, (f) => (moved === list ? f : { ...f, [key]: moved }))!, {
    kind: 'formRule',
    formId: form.id,
    ruleId: action.ruleId,
  });
}

/** The `moveFormRule` handler. */
export const moveFormRule: ActionHandler<MoveFormRuleAction> = {
  label: bi('移动表单规则', 'Move form rule'),
  apply: applyMoveFormRule,
};
