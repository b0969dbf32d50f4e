import type { AppDocument, Flow, FlowTrigger, Label, Text } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { ID_PATTERNS, keyFrom, snakeFrom, unique } from '../core/ids.js';
import { defaultTrigger } from '../flow/flow-node-kinds.js';

/**
 * Adds a flow: a trigger (default: started by hand) and a single `end` node, ready for steps to be
 * inserted. Id and key come from the English label (else `flow`, numbered).
 * @example { type: 'addFlow', label: { 'zh-CN': '欢迎邮件', en: 'Welcome e-mail' }, trigger: { kind: 'recordCreated', entity: 'lead' } }
 */
export interface AddFlowAction {
  readonly type: 'addFlow';
  readonly label: Label;
  readonly flowId?: string;
  readonly key?: string;
  readonly trigger?: FlowTrigger;
  readonly description?: Text;
}

/** Applies {@link AddFlowAction}. */
export function applyAddFlow(doc: AppDocument, action: AddFlowAction): ActionResult {
  const flows = doc.flows ?? [];
  const key = action.key ?? unique(keyFrom(action.label, 'flow'), new Set(flows.map((f) => f.key)), 63);
  const id = action.flowId ?? unique(snakeFrom(key), new Set(flows.map((f) => f.id)), 40, '_');
  if (!ID_PATTERNS.stable.test(id))
    return refuse('invalid_id', `流程 id "${id}" 无效`, `Flow id "${id}" is invalid`);
  if (!ID_PATTERNS.key.test(key))
    return refuse('invalid_key', `流程键 "${key}" 无效`, `Flow key "${key}" is invalid`);
  if (flows.some((f) => f.id === id))
    return refuse('duplicate_id', `流程 id "${id}" 已存在`, `Flow id "${id}" is taken`);
  if (flows.some((f) => f.key === key))
    return refuse('duplicate_key', `流程键 "${key}" 已存在`, `Flow key "${key}" is taken`);
  const flow: Flow = {
    id,
    key,
    label: cleanLabel(action.label),
    ...(action.description ? { description: cleanLabel(action.description) } : {}),
    trigger: action.trigger ?? defaultTrigger('manual', doc),
    start: 'end1',
    nodes: [{ id: 'end1', kind: 'end' }],
  };
  return done({ ...doc, flows: [...flows, flow] }, { kind: 'flow', flowId: id });
}

/** The `addFlow` handler. */
export const addFlow: ActionHandler<AddFlowAction> = {
  label: bi('新增流程', 'Add flow'),
  apply: applyAddFlow,
};
