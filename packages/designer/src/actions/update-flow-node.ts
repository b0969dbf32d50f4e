import type { AppDocument, FlowNode, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, withFlow } from '../core/doc-edit.js';
import { flowNodeProps, TYPED_NODE_PROPS } from '../flow/flow-node-kinds.js';

/**
 * Changes a node's configuration: its label and the properties of its kind (minutes, entity, values,
 * recipients, templates, approvers …; `null` removes an optional one). Pointers are not edited here — use
 * the graph actions (insert, move, remove, branches) — and neither are a condition's branch conditions
 * (`setBranchCondition`).
 * @example { type: 'updateFlowNode', flowId: 'welcome', nodeId: 'mail', patch: { subject: '欢迎 {{record.name}}' } }
 */
export interface UpdateFlowNodeAction {
  readonly type: 'updateFlowNode';
  readonly flowId: string;
  readonly nodeId: string;
  readonly patch: Readonly<Record<string, unknown>> & { readonly label?: Label | null };
}

/** Applies {@link UpdateFlowNodeAction}. */
export function applyUpdateFlowNode(doc: AppDocument, action: UpdateFlowNodeAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  const node = flow.nodes.find((n) => n.id === action.nodeId);
  if (!node) return missing.flowNode(action.nodeId);
  const allowed = flowNodeProps(node.kind);
  const stray = Object.keys(action.patch).find((k) => action.patch[k] !== undefined && !allowed.includes(k));
  if (stray)
    return refuse(
      'invalid_value',
      `该节点不能修改 "${stray}"`,
      `"${stray}" cannot be set on a ${node.kind} node here`,
    );
  const patch: Record<string, unknown> = { ...action.patch };
  if (patch.label && typeof patch.label === 'object') {
    const label = cleanLabel(patch.label as Label);
    patch.label = Object.keys(label).length > 0 ? label : null;
  }
  const next = withFlow(doc, flow.id, (f) => {
    const nodes = f.nodes.map((n) => (n.id === node.id ? (patchObject(n, patch) as FlowNode) : n));
    return nodes.every((n, i) => n === f.nodes[i]) ? f : { ...f, nodes };
  })!;
  return done(next, { kind: 'flowNode', flowId: flow.id, nodeId: node.id });
}

/** The `updateFlowNode` handler; typing into texts and numbers merges into one undo step. */
export const updateFlowNode: ActionHandler<UpdateFlowNodeAction> = {
  label: bi('修改流程节点', 'Edit flow step'),
  apply: applyUpdateFlowNode,
  coalesceKey: (a) => {
    const keys = Object.keys(a.patch).sort();
    return keys.length > 0 && keys.every((k) => TYPED_NODE_PROPS.has(k))
      ? `updateFlowNode:${a.flowId}:${a.nodeId}:${keys.join(',')}`
      : undefined;
  },
};
