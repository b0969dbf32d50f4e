import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withForm } from '../core/doc-edit.js';
import { type FormNodeTarget, placeItem } from '../form/form-targets.js';
import { locate } from '../form/layout-tree.js';

/**
 * Moves a layout item (a node, or a tab between tabs blocks): reorders it, nests it into a section or tab,
 * or takes it out. Refused into itself, a tab outside a tabs block, or nesting deeper than four levels.
 * Moving the only tab of a tabs block out removes the empty block.
 * @example { type: 'moveFormNode', formId: 'lead_full', nodeId: 'f-email', target: { parentId: 'tab-score', index: 0 } }
 */
export interface MoveFormNodeAction {
  readonly type: 'moveFormNode';
  readonly formId: string;
  readonly nodeId: string;
  readonly target: FormNodeTarget;
}

/** Applies {@link MoveFormNodeAction}. */
export function applyMoveFormNode(doc: AppDocument, action: MoveFormNodeAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const at = locate(form.layout, action.nodeId);
  if (!at) return missing.formNode(action.nodeId);
  const placed = placeItem(form.layout, at.item, action.target, true);
  if (!placed.ok) return placed;
  return done(
    withForm(doc, form.id, (f) => (placed.layout === f.layout ? f : { ...f, layout: placed.layout }))!,
    {
      kind: 'formNodes',
      formId: form.id,
      nodeIds: [action.nodeId],
    },
  );
}

/** The `moveFormNode` handler. */
export const moveFormNode: ActionHandler<MoveFormNodeAction> = {
  label: bi('移动表单节点', 'Move on form'),
  apply: applyMoveFormNode,
};
