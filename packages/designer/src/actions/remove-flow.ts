import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';

/**
 * Removes a flow (runs already started keep the definition they started with).
 * @example { type: 'removeFlow', flowId: 'welcome' }
 */
export interface RemoveFlowAction {
  readonly type: 'removeFlow';
  readonly flowId: string;
}

/** Applies {@link RemoveFlowAction}. */
export function applyRemoveFlow(doc: AppDocument, action: RemoveFlowAction): ActionResult {
  if (!doc.flows?.some((f) => f.id === action.flowId)) return missing.flow(action.flowId);
  return done({ ...doc, flows: doc.flows.filter((f) => f.id !== action.flowId) }, null);
}

/** The `removeFlow` handler. */
export const removeFlow: ActionHandler<RemoveFlowAction> = {
  label: bi('删除流程', 'Remove flow'),
  apply: applyRemoveFlow,
};
