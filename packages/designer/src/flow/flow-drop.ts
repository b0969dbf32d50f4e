import type { AppDocument, Label } from '@dougong/schema';
import type { InsertableKind } from '../actions/insert-flow-node.js';
import { refuse } from '../core/action-types.js';
import type { DropResolution } from '../form/form-drop.js';
import { applyAction, type DesignerAction } from '../state/action-registry.js';
import type { FlowEdge } from './flow-graph.js';
import { FLOW_NODE_KINDS } from './flow-node-kinds.js';

/** What is being dragged onto a flow canvas: a node kind from the palette, or a step already there. */
export type FlowDragItem =
  | { readonly source: 'palette'; readonly kind: InsertableKind; readonly label?: Label }
  | { readonly source: 'canvas'; readonly nodeId: string };

/**
 * Turns a drop on a "+" of the flow canvas into `insertFlowNode` (from the palette) or `moveFlowNode` (a
 * step of the canvas), or a refusal (an end node on an edge that continues, a split moved, an unknown
 * place). The action is tried on the document, so the answer is what dispatching it would do.
 * @example resolveFlowDrop(doc, 'welcome', { source: 'palette', kind: 'delay' }, { from: 'mail', slot: 'next' })
 */
export function resolveFlowDrop(
  doc: AppDocument,
  flowId: string,
  drag: FlowDragItem,
  over: FlowEdge,
): DropResolution {
  if (drag.source === 'palette' && !FLOW_NODE_KINDS[drag.kind]?.insertable)
    return refuse('not_allowed', '不能单独插入这种节点', `A ${drag.kind} node cannot be inserted on its own`);
  const action: DesignerAction =
    drag.source === 'palette'
      ? {
          type: 'insertFlowNode',
          flowId,
          at: over,
          node: { kind: drag.kind, ...(drag.label ? { label: drag.label } : {}) } as never,
        }
      : { type: 'moveFlowNode', flowId, nodeId: drag.nodeId, to: over };
  const result = applyAction(doc, action);
  return result.ok ? { ok: true, action, noop: result.doc === doc } : { ok: false, refusal: result.refusal };
}

/** The node kinds of the flow palette, by group. */
export function flowPalette(): ReadonlyArray<{
  kind: InsertableKind;
  label: (typeof FLOW_NODE_KINDS)[InsertableKind]['label'];
  group: string;
}> {
  return (
    Object.entries(FLOW_NODE_KINDS) as Array<[InsertableKind, (typeof FLOW_NODE_KINDS)[InsertableKind]]>
  )
    .filter(([, info]) => info.insertable)
    .map(([kind, info]) => ({ kind, label: info.label, group: info.group }));
}
