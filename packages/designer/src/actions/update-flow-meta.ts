import type { AppDocument, Flow, FlowTrigger, Label, Text } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, withFlow } from '../core/doc-edit.js';
import { ID_PATTERNS } from '../core/ids.js';

/**
 * Changes a flow's label, key, description, enabled switch, trigger, expected firing interval or retry
 * policy (`null` removes an optional one). The trigger is replaced whole (see `defaultTrigger` for a
 * starting point of each kind).
 * @example { type: 'updateFlowMeta', flowId: 'welcome', patch: { enabled: false } }
 */
export interface UpdateFlowMetaAction {
  readonly type: 'updateFlowMeta';
  readonly flowId: string;
  readonly patch: {
    readonly label?: Label;
    readonly key?: string;
    readonly description?: Text | null;
    readonly enabled?: boolean | null;
    readonly trigger?: FlowTrigger;
    readonly expectedEvery?: string | null;
    readonly retry?: Flow['retry'] | null;
  };
}

/** Applies {@link UpdateFlowMetaAction}. */
export function applyUpdateFlowMeta(doc: AppDocument, action: UpdateFlowMetaAction): ActionResult {
  const flow = doc.flows?.find((f) => f.id === action.flowId);
  if (!flow) return missing.flow(action.flowId);
  const { key, label, description, expectedEvery, ...rest } = action.patch;
  if (key !== undefined && key !== flow.key) {
    if (!ID_PATTERNS.key.test(key))
      return refuse('invalid_key', `流程键 "${key}" 无效`, `Flow key "${key}" is invalid`);
    if (doc.flows!.some((f) => f.key === key))
      return refuse('duplicate_key', `流程键 "${key}" 已存在`, `Flow key "${key}" is taken`);
  }
  const next = withFlow(doc, flow.id, (f) =>
    patchObject(f, {
      ...rest,
      key,
      label: label && cleanLabel(label),
      description:
        description && (Object.keys(cleanLabel(description)).length ? cleanLabel(description) : null),
      expectedEvery: expectedEvery === '' ? null : expectedEvery,
    }),
  )!;
  return done(next, { kind: 'flow', flowId: flow.id });
}

/** The `updateFlowMeta` handler; typing the label, key, description or interval merges into one undo step. */
export const updateFlowMeta: ActionHandler<UpdateFlowMetaAction> = {
  label: bi('流程设置', 'Flow settings'),
  apply: applyUpdateFlowMeta,
  coalesceKey: (a) => {
    const keys = Object.keys(a.patch).sort();
    return keys.length > 0 && keys.every((k) => ['label', 'key', 'description', 'expectedEvery'].includes(k))
      ? `updateFlowMeta:${a.flowId}:${keys.join(',')}`
      : undefined;
  },
};
