import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { replaceAt, withFlow } from '../core/doc-edit.js';
import { sameJson } from '../core/same-json.js';

/**
 * Sets the condition of a condition node's branch (the rule language over the run scope: `record.<key>`,
 * `nodes.<id>.…`; build it with the rule builder from `flowRuleFields`).
 * @example { type: 'setBranchCondition', flowId: 'route', nodeId: 'condition1', branch: 0,
 *            condition: { dec_gte: [{ var: 'record.amount' }, '100000'] } }
 */
export interface SetBranchConditionAction {
  readonly type: 'setBranchCondition';
  readonly flowId: string;
  readonly nodeId: string;
  readonly branch: number;
  readonly condition: unknown;
}

/** Applies {@link SetBranchConditionAction}. */
export function applySetBranchCondition(doc: AppDocument, action: SetBranchConditionAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  const node = flow.nodes.find((n) => n.id === action.nodeId);
  if (!node) return missing.flowNode(action.nodeId);
  if (node.kind !== 'condition')
    return refuse('not_allowed', '只有条件节点有分支条件', 'Only condition nodes have branch conditions');
  const branch = node.branches[action.branch];
  if (!branch) return refuse('not_found', '没有这个分支', 'No such branch');
  if (action.condition === undefined) return refuse('invalid_value', '缺少条件', 'A condition is needed');
  if (sameJson(branch.condition, action.condition))
    return done(doc, { kind: 'flowNode', flowId: flow.id, nodeId: node.id });
  const updated = {
    ...node,
    branches: replaceAt(node.branches, action.branch, { ...branch, condition: action.condition }),
  };
  const next = withFlow(doc, flow.id, (f) => ({
    ...f,
    nodes: f.nodes.map((n) => (n.id === node.id ? updated : n)),
  }))!;
  return done(next, { kind: 'flowNode', flowId: flow.id, nodeId: node.id });
}

/** The `setBranchCondition` handler. */
export const setBranchCondition: ActionHandler<SetBranchConditionAction> = {
  label: bi('设置分支条件', 'Set branch condition'),
  apply: applySetBranchCondition,
};
