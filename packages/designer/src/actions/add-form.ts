import { defaultForm } from '@dougong/forms';
import type { AppDocument, Form, FormKind, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { type Bilingual, bi, cleanLabel } from '../core/bilingual.js';
import { ID_PATTERNS, unique } from '../core/ids.js';

/** The kinds of form with their names. */
export const FORM_KIND_LABELS: Readonly<Record<FormKind, Bilingual>> = {
  full: bi('完整表单', 'Full form'),
  quickCreate: bi('快速新建', 'Quick create'),
  public: bi('公开表单', 'Public form'),
};

/** Default page texts of a new public form. */
export const PUBLIC_FORM_THANKS = bi('提交成功，感谢您的填写！', 'Thank you, your submission was received.');

/**
 * Adds a form to a standard entity. `layout: 'default'` (the default) starts from the generated form —
 * the same layout the runtime shows for an entity without a form (`defaultForm` of `@dougong/forms`);
 * `'empty'` starts blank. A public form gets its page texts.
 * @example { type: 'addForm', entityId: 'lead', kind: 'public', label: { 'zh-CN': '留资表单', en: 'Sign-up' } }
 */
export interface AddFormAction {
  readonly type: 'addForm';
  readonly entityId: string;
  readonly kind: FormKind;
  readonly label?: Label;
  readonly formId?: string;
  readonly layout?: 'default' | 'empty';
}

/** Applies {@link AddFormAction}. */
export function applyAddForm(doc: AppDocument, action: AddFormAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  if (entity.kind === 'child')
    return refuse('not_allowed', '子实体没有自己的表单', 'Child entities have no forms of their own');
  const forms = doc.forms ?? [];
  const id =
    action.formId ??
    unique(
      `${entity.id}_${action.kind.toLowerCase()}`.slice(0, 40),
      new Set(forms.map((f) => f.id)),
      40,
      '_',
    );
  if (!ID_PATTERNS.formNode.test(id))
    return refuse('invalid_id', `表单 id "${id}" 无效`, `Form id "${id}" is invalid`);
  if (forms.some((f) => f.id === id))
    return refuse('duplicate_id', `表单 id "${id}" 已存在`, `Form id "${id}" is taken`);
  const label = cleanLabel(action.label ?? entity.label);
  const form: Form = {
    id,
    entity: entity.id,
    label,
    kind: action.kind,
    layout: action.layout === 'empty' ? [] : defaultForm(entity).layout,
    ...(action.kind === 'public' ? { public: { title: label, thankYou: PUBLIC_FORM_THANKS } } : {}),
  };
  return done({ ...doc, forms: [...forms, form] }, { kind: 'form', formId: id });
}

/** The `addForm` handler. */
export const addForm: ActionHandler<AddFormAction> = {
  label: bi('新增表单', 'Add form'),
  apply: applyAddForm,
};
