import type { AppDocument, FlowNode } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { insertAt, withFlow } from '../core/doc-edit.js';
import { newNodeId, postDominators } from '../flow/flow-graph.js';

/**
 * Adds a branch to a condition (before the else; its condition defaults to `true`) or to a parallel. The
 * new branch is empty: it leads straight to where the other branches meet (a condition's merge point or a
 * new `end` node; a parallel's join).
 * @example { type: 'addBranch', flowId: 'route', nodeId: 'condition1', condition: { '==': [{ var: 'record.region' }, 'east'] } }
 */
export interface AddBranchAction {
  readonly type: 'addBranch';
  readonly flowId: string;
  readonly nodeId: string;
  readonly condition?: unknown;
  /** Position among the branches (default: last, before the else). */
  readonly index?: number;
}

/** Applies {@link AddBranchAction}. */
export function applyAddBranch(doc: AppDocument, action: AddBranchAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  const node = flow.nodes.find((n) => n.id === action.nodeId);
  if (!node) return missing.flowNode(action.nodeId);
  const extra: FlowNode[] = [];
  let updated: FlowNode;
  if (node.kind === 'condition') {
    if (node.branches.length >= 20)
      return refuse('not_allowed', '最多 20 个条件分支', 'A condition has at most 20 branches');
    let merge = postDominators(flow).get(node.id);
    if (merge === undefined) {
      merge = newNodeId(flow, 'end');
      extra.push({ id: merge, kind: 'end' });
    }
    const branch = { condition: action.condition === undefined ? true : action.condition, next: merge };
    updated = { ...node, branches: insertAt(node.branches, action.index ?? node.branches.length, branch) };
  } else if (node.kind === 'parallel') {
    if (node.branches.length >= 10)
      return refuse('not_allowed', '最多 10 个并行分支', 'A parallel has at most 10 branches');
    updated = { ...node, branches: insertAt(node.branches, action.index ?? node.branches.length, node.join) };
  } else
    return refuse(
      'not_allowed',
      '只有条件和并行节点有分支',
      'Only condition and parallel nodes have branches',
    );
  const next = withFlow(doc, flow.id, (f) => ({
    ...f,
    nodes: [...f.nodes.map((n) => (n.id === node.id ? updated : n)), ...extra],
  }))!;
  return done(next, { kind: 'flowNode', flowId: flow.id, nodeId: node.id });
}

/** The `addBranch` handler. */
export const addBranch: ActionHandler<AddBranchAction> = {
  label: bi('添加分支', 'Add branch'),
  apply: applyAddBranch,
};
