import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withForm } from '../core/doc-edit.js';
import { removeItems } from '../form/layout-tree.js';
import { layoutIds } from '../state/selection.js';

/**
 * Removes layout items (multi-select delete): nodes and tabs, each with everything inside it. A tabs block
 * whose tabs are all removed goes too. The fields themselves stay in the entity.
 * @example { type: 'removeFormNodes', formId: 'lead_full', nodeIds: ['f-fax', 'divider-2'] }
 */
export interface RemoveFormNodesAction {
  readonly type: 'removeFormNodes';
  readonly formId: string;
  readonly nodeIds: readonly string[];
}

/** Applies {@link RemoveFormNodesAction}. */
export function applyRemoveFormNodes(doc: AppDocument, action: RemoveFormNodesAction): ActionResult {
  const form = doc.forms?.find((f) => f.id === action.formId);
  if (!form) return missing.form(action.formId);
  const ids = layoutIds(form.layout);
  const unknown = action.nodeIds.find((id) => !ids.has(id));
  if (unknown !== undefined) return missing.formNode(unknown);
  const layout = removeItems(form.layout, new Set(action.nodeIds));
  return done(withForm(doc, form.id, (f) => (layout === f.layout ? f : { ...f, layout }))!, {
    kind: 'form',
    formId: form.id,
  });
}

/** The `removeFormNodes` handler. */
export const removeFormNodes: ActionHandler<RemoveFormNodesAction> = {
  label: bi('从表单移除', 'Remove from form'),
  apply: applyRemoveFormNodes,
};
