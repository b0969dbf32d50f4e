import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withFlow } from '../core/doc-edit.js';
import { bypass, continuation, hasRequiredIncoming } from '../flow/flow-edit.js';
import { dropCutOff } from '../flow/flow-graph.js';

/**
 * Removes a node and reconnects: what pointed at it now points where it continued (its `next`; a
 * condition's merge point; a parallel's join's next). Nodes only reachable through it — a condition's or
 * parallel's branches, an approval's rejected path — go too. A join goes with its parallel; an end node
 * that a branch needs, and a flow's last node, stay.
 * @example { type: 'removeFlowNode', flowId: 'welcome', nodeId: 'delay1' }
 */
export interface RemoveFlowNodeAction {
  readonly type: 'removeFlowNode';
  readonly flowId: string;
  readonly nodeId: string;
}

/** Applies {@link RemoveFlowNodeAction}. */
export function applyRemoveFlowNode(doc: AppDocument, action: RemoveFlowNodeAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  const node = flow.nodes.find((n) => n.id === action.nodeId);
  if (!node) return missing.flowNode(action.nodeId);
  if (node.kind === 'join')
    return refuse(
      'not_allowed',
      '汇合节点随并行分支一起删除',
      'A join goes with its parallel node; remove that',
    );
  if (flow.nodes.length === 1)
    return refuse('last_item', '流程至少保留一个节点', 'A flow keeps at least one node');
  if (node.kind === 'end' && hasRequiredIncoming(flow, node.id))
    return refuse(
      'not_allowed',
      '分支需要这个结束节点；请删除分支',
      'A branch ends here; remove the branch instead',
    );
  const after = bypass(flow, node.id, continuation(flow, node));
  const pruned = dropCutOff(flow, { ...after, nodes: after.nodes.filter((n) => n.id !== node.id) });
  return done(withFlow(doc, flow.id, () => pruned)!, { kind: 'flow', flowId: flow.id });
}

/** The `removeFlowNode` handler. */
export const removeFlowNode: ActionHandler<RemoveFlowNodeAction> = {
  label: bi('删除流程节点', 'Remove flow step'),
  apply: applyRemoveFlowNode,
};
