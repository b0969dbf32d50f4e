import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withFlow } from '../core/doc-edit.js';
import { bypass } from '../flow/flow-edit.js';
import { edgeExists, edgeTarget, type FlowEdge, pointEdge } from '../flow/flow-graph.js';
import { primarySlot, sameSlot, setSlot, slotsOf } from '../flow/flow-slots.js';

/**
 * Moves a one-way step (a node with a single outgoing path: not a condition, parallel, join or end) to
 * another edge: it is taken out (what pointed at it points where it continued; a branch it ended gets an
 * `end` node) and inserted there.
 * @example { type: 'moveFlowNode', flowId: 'welcome', nodeId: 'delay1', to: { from: null } }
 */
export interface MoveFlowNodeAction {
  readonly type: 'moveFlowNode';
  readonly flowId: string;
  readonly nodeId: string;
  readonly to: FlowEdge;
}

/** Applies {@link MoveFlowNodeAction}. */
export function applyMoveFlowNode(doc: AppDocument, action: MoveFlowNodeAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  const node = flow.nodes.find((n) => n.id === action.nodeId);
  if (!node) return missing.flowNode(action.nodeId);
  const slot = primarySlot(node);
  const set = slotsOf(node).filter((s) => s.target !== undefined);
  if (
    ['condition', 'parallel', 'join', 'end'].includes(node.kind) ||
    !slot ||
    set.some((s) => !sameSlot(s.slot, slot))
  )
    return refuse('not_allowed', '只能移动单一路径的节点', 'Only steps with a single path can move');
  if (!edgeExists(flow, action.to))
    return refuse('invalid_target', '流程中没有这个位置', 'That place does not exist in the flow');
  const to = action.to;
  // Dropping a node on its own edges leaves it where it is.
  if ('before' in to ? to.before === node.id : to.from === node.id || edgeTarget(flow, to) === node.id)
    return done(doc);
  const onward = set[0]?.target;
  const detached = bypass(flow, node.id, onward);
  const target = edgeTarget(detached, to);
  // Repoint the edge while the node is out of the graph (a `before` edge would otherwise catch its own
  // pointer), then put it back, in its old place in the list, continuing where the edge led.
  const index = detached.nodes.findIndex((n) => n.id === node.id);
  const pointed = pointEdge(
    { ...detached, nodes: detached.nodes.filter((n) => n.id !== node.id) },
    to,
    node.id,
  );
  const moved = setSlot(detached.nodes[index]!, slot, target);
  const result = {
    ...pointed,
    nodes: [...pointed.nodes.slice(0, index), moved, ...pointed.nodes.slice(index)],
  };
  return done(withFlow(doc, flow.id, () => result)!, { kind: 'flowNode', flowId: flow.id, nodeId: node.id });
}

/** The `moveFlowNode` handler. */
export const moveFlowNode: ActionHandler<MoveFlowNodeAction> = {
  label: bi('移动流程节点', 'Move flow step'),
  apply: applyMoveFlowNode,
};
