import { triggerEntityOf } from '@dougong/flows';
import type { AppDocument, FlowNode, FlowNodeKind, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { withFlow } from '../core/doc-edit.js';
import { ID_PATTERNS } from '../core/ids.js';
import { edgeExists, edgeTarget, type FlowEdge, newNodeId, pointEdge } from '../flow/flow-graph.js';
import { FLOW_NODE_KINDS, flowNodeProps, nodeDefaults } from '../flow/flow-node-kinds.js';

type Pointer =
  | 'id'
  | 'kind'
  | 'label'
  | 'next'
  | 'else'
  | 'branches'
  | 'join'
  | 'approved'
  | 'rejected'
  | 'returned'
  | 'timeoutNext';

/** A node kind the palette can insert (a join comes with its parallel). */
export type InsertableKind = Exclude<FlowNodeKind, 'join'>;

/** A node to insert: its kind, optional label and configuration (pointers are set by the insertion). */
export type NewFlowNode = {
  [K in InsertableKind]: {
    readonly kind: K;
    readonly label?: Label;
    readonly config?: Partial<Omit<Extract<FlowNode, { kind: K }>, Pointer>>;
  };
}[InsertableKind];

/**
 * Inserts a node on an edge of the flow (the canvas's "+"): the node continues to where the edge led. A
 * condition gets one branch (`true`) and an else, both leading there (an `end` node when the path ended);
 * a parallel gets two branches and its join, which continues there. An `end` node only closes a path.
 * @example { type: 'insertFlowNode', flowId: 'welcome', at: { from: 'mail', slot: 'next' }, node: { kind: 'delay', config: { minutes: 1440 } } }
 */
export interface InsertFlowNodeAction {
  readonly type: 'insertFlowNode';
  readonly flowId: string;
  readonly at: FlowEdge;
  readonly node: NewFlowNode;
  readonly nodeId?: string;
}

/** Applies {@link InsertFlowNodeAction}. */
export function applyInsertFlowNode(doc: AppDocument, action: InsertFlowNodeAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  if (!edgeExists(flow, action.at))
    return refuse('invalid_target', '流程中没有这个位置', 'That place does not exist in the flow');
  const spec = action.node;
  if (!FLOW_NODE_KINDS[spec.kind]?.insertable)
    return refuse('not_allowed', '不能单独插入这种节点', `A ${spec.kind} node cannot be inserted on its own`);
  const config = (spec.config ?? {}) as Record<string, unknown>;
  const allowed = flowNodeProps(spec.kind);
  const stray = Object.keys(config).find((k) => !allowed.includes(k));
  if (stray)
    return refuse(
      'invalid_value',
      `该节点没有属性 "${stray}"`,
      `A ${spec.kind} node has no property "${stray}"`,
    );
  const target = edgeTarget(flow, action.at);
  if (spec.kind === 'end' && target !== undefined)
    return refuse('not_allowed', '结束节点只能放在路径末尾', 'An end node can only close a path');
  const taken = new Set(flow.nodes.map((n) => n.id));
  const id = action.nodeId ?? newNodeId(flow, spec.kind, taken);
  if (!ID_PATTERNS.flowNode.test(id))
    return refuse('invalid_id', `节点 id "${id}" 无效`, `Node id "${id}" is invalid`);
  if (taken.has(id)) return refuse('duplicate_id', `节点 id "${id}" 已存在`, `Node id "${id}" is taken`);
  taken.add(id);
  const label = spec.label ? { label: cleanLabel(spec.label) } : {};
  const added: FlowNode[] = [];
  switch (spec.kind) {
    case 'condition': {
      let to = target;
      if (to === undefined) {
        to = newNodeId(flow, 'end', taken);
        added.push({ id: to, kind: 'end' });
      }
      added.unshift({ id, kind: 'condition', ...label, branches: [{ condition: true, next: to }], else: to });
      break;
    }
    case 'parallel': {
      const join = newNodeId(flow, 'join', taken);
      added.push(
        { id, kind: 'parallel', ...label, branches: [join, join], join },
        { id: join, kind: 'join', mode: 'all', ...(target !== undefined ? { next: target } : {}) },
      );
      break;
    }
    default: {
      const entity = triggerEntityOf(doc, flow) ?? doc.entities.find((e) => e.kind !== 'child')?.id;
      const slot = spec.kind === 'approval' ? 'approved' : 'next';
      added.push({
        id,
        kind: spec.kind,
        ...label,
        ...nodeDefaults(spec.kind, { doc, entity }),
        ...config,
        ...(target !== undefined && spec.kind !== 'end' ? { [slot]: target } : {}),
      } as FlowNode);
    }
  }
  const pointed = pointEdge(flow, action.at, id);
  return done(withFlow(doc, flow.id, () => ({ ...pointed, nodes: [...pointed.nodes, ...added] }))!, {
    kind: 'flowNode',
    flowId: flow.id,
    nodeId: id,
  });
}

/** The `insertFlowNode` handler. */
export const insertFlowNode: ActionHandler<InsertFlowNodeAction> = {
  label: bi('插入流程节点', 'Insert flow step'),
  apply: applyInsertFlowNode,
};
