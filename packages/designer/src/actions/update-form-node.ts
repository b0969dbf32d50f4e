import { WIDGETS_BY_TYPE } from '@dougong/forms';
import type { AppDocument, FormWidget, Label, Text } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, withForm } from '../core/doc-edit.js';
import { isTab, type LayoutItem, locate, replaceItem } from '../form/layout-tree.js';

/**
 * Properties of a layout item (`null` removes one): field nodes take widget, span (1–4 grid columns),
 * label / help / placeholder overrides and read-only; sections label, columns (1–4) and collapsed; tabs a
 * label; text nodes their text.
 */
export interface FormNodePatch {
  readonly widget?: FormWidget | null;
  readonly span?: number | null;
  readonly label?: Label | null;
  readonly help?: Text | null;
  readonly placeholder?: Text | null;
  readonly readOnly?: boolean | null;
  readonly columns?: number | null;
  readonly collapsed?: boolean | null;
  readonly text?: Text;
}

/**
 * Changes a layout item's properties (see {@link FormNodePatch}); properties its kind lacks are refused,
 * as is a widget that does not suit the field.
 * @example { type: 'updateFormNode', formId: 'lead_full', nodeId: 'f-status', patch: { widget: 'segmented', span: 2 } }
 */
export interface UpdateFormNodeAction {
  readonly type: 'updateFormNode';
  readonly formId: string;
  readonly nodeId: string;
  readonly patch: FormNodePatch;
}

const ALLOWED: Record<string, readonly string[]> = {
  field: ['widget', 'span', 'label', 'help', 'placeholder', 'readOnly'],
  section: ['label', 'columns', 'collapsed'],
  tab: ['label'],
  tabs: [],
  divider: [],
  text: ['text'],
};

const kindOf = (item: LayoutItem) => (isTab(item) ? 'tab' : item.kind);
const grid = (n: unknown) =>
  n === undefined || n === null || (Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 4);

/** Applies {@link UpdateFormNodeAction}. */
export function applyUpdateFormNode(doc: AppDocument, action: UpdateFormNodeAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const at = locate(form.layout, action.nodeId);
  if (!at) return missing.formNode(action.nodeId);
  const kind = kindOf(at.item);
  const patch: Record<string, unknown> = { ...action.patch };
  for (const key of Object.keys(patch))
    if (patch[key] !== undefined && !ALLOWED[kind]!.includes(key))
      return refuse(
        'invalid_value',
        `${kind} 节点没有属性 "${key}"`,
        `A ${kind} node has no property "${key}"`,
      );
  if (!grid(patch.span) || !grid(patch.columns))
    return refuse('invalid_value', '栏数必须是 1 到 4', 'Columns and spans go from 1 to 4');
  const item = at.item;
  if (!isTab(item) && item.kind === 'field' && typeof patch.widget === 'string') {
    const field = doc.entities.find((e) => e.id === form.entity)?.fields.find((f) => f.id === item.fieldId);
    if (field && !WIDGETS_BY_TYPE[field.type].includes(patch.widget as FormWidget))
      return refuse(
        'invalid_value',
        `控件 "${patch.widget}" 不适合该字段`,
        `Widget "${patch.widget}" does not suit a ${field.type} field`,
      );
  }
  if ((kind === 'tab' && patch.label === null) || (kind === 'text' && patch.text === null))
    return refuse('invalid_value', '标签页名称和文字不能删除', 'A tab label or a text cannot be removed');
  for (const key of ['label', 'help', 'placeholder', 'text']) {
    const value = patch[key];
    if (value && typeof value === 'object') {
      const cleaned = cleanLabel(value as Record<string, string>);
      patch[key] = Object.keys(cleaned).length === 0 && kind === 'field' ? null : cleaned;
    }
  }
  const layout = replaceItem(form.layout, item.id, (x) => patchObject(x, patch));
  return done(withForm(doc, form.id, (f) => (layout === f.layout ? f : { ...f, layout }))!, {
    kind: 'formNodes',
    formId: form.id,
    nodeIds: [item.id],
  });
}

/** The `updateFormNode` handler; typing a label, help, placeholder or text merges into one undo step. */
export const updateFormNode: ActionHandler<UpdateFormNodeAction> = {
  label: bi('修改表单节点', 'Edit form item'),
  apply: applyUpdateFormNode,
  coalesceKey: (a) => {
    const keys = Object.keys(a.patch).sort();
    return keys.length > 0 && keys.every((k) => ['label', 'help', 'placeholder', 'text'].includes(k))
      ? `updateFormNode:${a.formId}:${a.nodeId}:${keys.join(',')}`
      : undefined;
  },
};
