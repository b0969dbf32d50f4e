import { fieldNodes, WIDGETS_BY_TYPE } from '@dougong/forms';
import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withForm } from '../core/doc-edit.js';
import { ID_PATTERNS } from '../core/ids.js';
import { makeItem, type NewFormNode } from '../form/form-nodes.js';
import { type FormNodeTarget, placeItem } from '../form/form-targets.js';
import { layoutIds } from '../state/selection.js';

/**
 * Puts a new item on a form: a field of the form's entity (each field once per form), a section, a
 * columns block, tabs (with two tabs), a tab (into a tabs block), a divider or a text.
 * @example { type: 'addFormNode', formId: 'lead_full', node: { kind: 'field', fieldId: 'email' }, target: { afterId: 'f-mobile' } }
 */
export interface AddFormNodeAction {
  readonly type: 'addFormNode';
  readonly formId: string;
  readonly node: NewFormNode;
  readonly target: FormNodeTarget;
  readonly nodeId?: string;
}

/** Applies {@link AddFormNodeAction}. */
export function applyAddFormNode(doc: AppDocument, action: AddFormNodeAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const spec = action.node;
  if (spec.kind === 'field') {
    const field = doc.entities.find((e) => e.id === form.entity)?.fields.find((f) => f.id === spec.fieldId);
    if (!field) return missing.field(spec.fieldId);
    if (fieldNodes(form).some((n) => n.fieldId === spec.fieldId))
      return refuse(
        'already_placed',
        `字段 "${field.key}" 已在表单上`,
        `Field "${field.key}" is already on the form`,
      );
    if (spec.widget && !WIDGETS_BY_TYPE[field.type].includes(spec.widget))
      return refuse(
        'invalid_value',
        `控件 "${spec.widget}" 不适合该字段`,
        `Widget "${spec.widget}" does not suit a ${field.type} field`,
      );
  }
  if (action.nodeId !== undefined) {
    if (!ID_PATTERNS.formNode.test(action.nodeId))
      return refuse('invalid_id', `节点 id "${action.nodeId}" 无效`, `Node id "${action.nodeId}" is invalid`);
    if (layoutIds(form.layout).has(action.nodeId))
      return refuse(
        'duplicate_id',
        `节点 id "${action.nodeId}" 已存在`,
        `Node id "${action.nodeId}" is taken`,
      );
  }
  const item = makeItem(form, spec, action.nodeId);
  const placed = placeItem(form.layout, item, action.target, false);
  if (!placed.ok) return placed;
  return done(withForm(doc, form.id, (f) => ({ ...f, layout: placed.layout }))!, {
    kind: 'formNodes',
    formId: form.id,
    nodeIds: [item.id],
  });
}

/** The `addFormNode` handler. */
export const addFormNode: ActionHandler<AddFormNodeAction> = {
  label: bi('添加到表单', 'Add to form'),
  apply: applyAddFormNode,
};
