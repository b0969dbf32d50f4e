import type { AppDocument, FormKind, FormPublic, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, withForm } from '../core/doc-edit.js';
import { PUBLIC_FORM_THANKS } from './add-form.js';

/**
 * Changes a form's label, kind or public settings (title, thank-you text, prefill, attribution). Making a
 * form public gives it default page texts; making it non-public drops them. A form that starts a flow
 * (form-submitted trigger) stays public.
 * @example { type: 'updateForm', formId: 'lead_signup', patch: { public: { title: …, thankYou: …, prefill: ['source'] } } }
 */
export interface UpdateFormAction {
  readonly type: 'updateForm';
  readonly formId: string;
  readonly patch: { readonly label?: Label; readonly kind?: FormKind; readonly public?: FormPublic };
}

/** Applies {@link UpdateFormAction}. */
export function applyUpdateForm(doc: AppDocument, action: UpdateFormAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const kind = action.patch.kind ?? form.kind;
  if (kind !== 'public' && action.patch.public)
    return refuse('invalid_value', '只有公开表单有公开设置', 'Only public forms have public settings');
  if (
    kind !== 'public' &&
    doc.flows?.some((f) => f.trigger.kind === 'formSubmitted' && f.trigger.form === form.id)
  )
    return refuse('referenced', '有流程由该表单的提交触发', 'A flow starts when this form is submitted');
  const next = withForm(doc, form.id, (f) =>
    patchObject(f, {
      label: action.patch.label && cleanLabel(action.patch.label),
      kind: action.patch.kind,
      public:
        kind === 'public'
          ? (action.patch.public ?? f.public ?? { title: f.label, thankYou: PUBLIC_FORM_THANKS })
          : null,
    }),
  )!;
  return done(next, { kind: 'form', formId: form.id });
}

/** The `updateForm` handler; typing the label merges into one undo step. */
export const updateForm: ActionHandler<UpdateFormAction> = {
  label: bi('表单设置', 'Form settings'),
  apply: applyUpdateForm,
  coalesceKey: (a) => {
    const keys = Object.keys(a.patch).sort().join(',');
    return keys === 'label' || keys === 'public' ? `updateForm:${a.formId}:${keys}` : undefined;
  },
};
