import { type AppDocument, USAGE_KINDS } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import type { Usage } from '../model/usages.js';

/**
 * Removes a form. Refused while a flow starts on its submissions (the refusal points at the trigger).
 * @example { type: 'removeForm', formId: 'lead_quick' }
 */
export interface RemoveFormAction {
  readonly type: 'removeForm';
  readonly formId: string;
}

/** Applies {@link RemoveFormAction}. */
export function applyRemoveForm(doc: AppDocument, action: RemoveFormAction): ActionResult {
  const forms = doc.forms ?? [];
  if (!forms.some((f) => f.id === action.formId)) return missing.form(action.formId);
  const usages: Usage[] = [];
  (doc.flows ?? []).forEach((flow, f) => {
    if (flow.trigger.kind === 'formSubmitted' && flow.trigger.form === action.formId)
      usages.push({
        path: `/flows/${f}/trigger/form`,
        kind: 'flowTrigger',
        owner: { kind: 'flow', id: flow.id },
        blocking: true,
        message: USAGE_KINDS.flowTrigger.text,
      });
  });
  if (usages.length > 0)
    return refuse(
      'referenced',
      '有流程由该表单的提交触发',
      'A flow starts when this form is submitted',
      usages,
    );
  return done({ ...doc, forms: forms.filter((f) => f.id !== action.formId) }, null);
}

/** The `removeForm` handler. */
export const removeForm: ActionHandler<RemoveFormAction> = {
  label: bi('删除表单', 'Remove form'),
  apply: applyRemoveForm,
};
