import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withForm } from '../core/doc-edit.js';

/**
 * Removes a linkage or validation rule from a form (an emptied list is dropped).
 * @example { type: 'removeFormRule', formId: 'opportunity_full', ruleId: 'loss-shown' }
 */
export interface RemoveFormRuleAction {
  readonly type: 'removeFormRule';
  readonly formId: string;
  readonly ruleId: string;
}

/** Applies {@link RemoveFormRuleAction}. */
export function applyRemoveFormRule(doc: AppDocument, action: RemoveFormRuleAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const key = form.linkage?.some((r) => r.id === action.ruleId)
    ? 'linkage'
    : form.validation?.some((r) => r.id === action.ruleId)
      ? 'validation'
      : undefined;
  if (!key) return missing.formRule(action.ruleId);
  const next = withForm(doc, form.id, (f) => {
    const list = (f[key] ?? []).filter((r) => r.id !== action.ruleId);
    const { [key]: _, ...rest } = f;
    return list.length > 0 ? { ...rest, [key]: list } : rest;
  })!;
  return done(next, { kind: 'form', formId: form.id });
}

/** The `removeFormRule` handler. */
export const removeFormRule: ActionHandler<RemoveFormRuleAction> = {
  label: bi('删除表单规则', 'Remove form rule'),
  apply: applyRemoveFormRule,
};
