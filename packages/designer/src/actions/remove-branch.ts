import type { AppDocument, FlowNode } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withFlow } from '../core/doc-edit.js';
import { dropCutOff } from '../flow/flow-graph.js';

/**
 * Removes a branch of a condition (by index, or its `else`) or of a parallel, with the steps only that
 * branch reached. A condition keeps one branch, a parallel two (remove the node itself instead).
 * @example { type: 'removeBranch', flowId: 'route', nodeId: 'condition1', branch: 1 }
 */
export interface RemoveBranchAction {
  readonly type: 'removeBranch';
  readonly flowId: string;
  readonly nodeId: string;
  readonly branch: number | 'else';
}

/** Applies {@link RemoveBranchAction}. */
export function applyRemoveBranch(doc: AppDocument, action: RemoveBranchAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  const node = flow.nodes.find((n) => n.id === action.nodeId);
  if (!node) return missing.flowNode(action.nodeId);
  const noBranch = () => refuse('not_found', '没有这个分支', 'No such branch');
  let updated: FlowNode;
  if (node.kind === 'condition') {
    if (action.branch === 'else') {
      if (node.else === undefined) return noBranch();
      const { else: _, ...rest } = node;
      updated = rest;
    } else {
      const index = action.branch;
      if (!node.branches[index]) return noBranch();
      if (node.branches.length === 1)
        return refuse('last_item', '条件至少保留一个分支', 'A condition keeps at least one branch');
      updated = { ...node, branches: node.branches.filter((_, i) => i !== index) };
    }
  } else if (node.kind === 'parallel') {
    const index = action.branch;
    if (index === 'else' || node.branches[index] === undefined) return noBranch();
    if (node.branches.length <= 2)
      return refuse('last_item', '并行至少保留两个分支', 'A parallel keeps at least two branches');
    updated = { ...node, branches: node.branches.filter((_, i) => i !== index) };
  } else
    return refuse(
      'not_allowed',
      '只有条件和并行节点有分支',
      'Only condition and parallel nodes have branches',
    );
  const after = { ...flow, nodes: flow.nodes.map((n) => (n.id === node.id ? updated : n)) };
  return done(withFlow(doc, flow.id, () => dropCutOff(flow, after))!, {
    kind: 'flowNode',
    flowId: flow.id,
    nodeId: node.id,
  });
}

/** The `removeBranch` handler. */
export const removeBranch: ActionHandler<RemoveBranchAction> = {
  label: bi('删除分支', 'Remove branch'),
  apply: applyRemoveBranch,
};
