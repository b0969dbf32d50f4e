import type { Flow, FlowNode, FlowTrigger } from '@dougong/schema';
import { type Bilingual, bi } from '../core/bilingual.js';
import type { FlowEdge } from './flow-graph.js';
import { postDominators, reachable } from './flow-graph.js';
import { FLOW_TRIGGER_KINDS, nodeLabel } from './flow-node-kinds.js';
import { type FlowSlot, primarySlot, slotsOf, slotTarget } from './flow-slots.js';

/** A slot of a node the canvas can show a path for, with where a "+" on it inserts. */
export interface CanvasSlot {
  readonly slot: FlowSlot;
  readonly label: Bilingual;
  readonly edge: FlowEdge;
}

/** One branch of a split, drawn side by side with its siblings. */
export interface FlowCanvasBranch {
  readonly slot: FlowSlot;
  readonly label: Bilingual;
  /** The "+" at the top of the branch. */
  readonly entry: FlowEdge;
  readonly items: readonly FlowCanvasItem[];
  /** Whether `removeBranch` may remove it (a condition keeps one branch, a parallel two). */
  readonly removable: boolean;
  /** The slot is unset: the run ends here when it takes this path (draw an end cap). */
  readonly ends: boolean;
}

/**
 * An item of the vertical canvas:
 * - `step`: one node in the column; `after` is the "+" below it (none below an end node), `alternates`
 *   the empty extra paths it could have (an approval's rejected path, a wait's timeout);
 * - `split`: a node whose paths are drawn side by side (condition, parallel, or a node with several
 *   paths set), meeting again at `mergeId` — drawn next in the column — or never; `after` is the "+"
 *   where a condition's branches meet;
 * - `goto`: a path continuing at a node drawn elsewhere (graphs the column cannot nest).
 */
export type FlowCanvasItem =
  | {
      readonly kind: 'step';
      readonly nodeId: string;
      readonly node: FlowNode;
      readonly label: Bilingual;
      readonly after?: FlowEdge;
      readonly alternates: readonly CanvasSlot[];
    }
  | {
      readonly kind: 'split';
      readonly nodeId: string;
      readonly node: FlowNode;
      readonly label: Bilingual;
      readonly branches: readonly FlowCanvasBranch[];
      readonly mergeId?: string;
      readonly after?: FlowEdge;
    }
  | { readonly kind: 'goto'; readonly nodeId: string; readonly label: Bilingual };

/** The canvas model of a flow: the trigger, the "+" below it, the column, and nodes nothing reaches. */
export interface FlowCanvas {
  readonly flowId: string;
  readonly trigger: FlowTrigger;
  readonly triggerLabel: Bilingual;
  readonly entry: FlowEdge;
  readonly items: readonly FlowCanvasItem[];
  readonly unreachable: readonly string[];
}

/** What a slot's path is called on the canvas. */
export function slotLabel(node: FlowNode, slot: FlowSlot): Bilingual {
  if (typeof slot !== 'string')
    return node.kind === 'parallel'
      ? bi(`分支 ${slot.branch + 1}`, `Branch ${slot.branch + 1}`)
      : bi(`条件 ${slot.branch + 1}`, `Condition ${slot.branch + 1}`);
  const labels: Record<Exclude<FlowSlot, object>, Bilingual> = {
    next: node.kind === 'waitUntil' ? bi('条件满足', 'Condition met') : bi('下一步', 'Next'),
    else: bi('其他情况', 'Otherwise'),
    approved: bi('通过', 'Approved'),
    rejected: bi('驳回', 'Rejected'),
    returned: bi('退回', 'Returned'),
    timeoutNext: bi('超时', 'Timed out'),
  };
  return labels[slot];
}

function isSplit(node: FlowNode): boolean {
  if (node.kind === 'condition' || node.kind === 'parallel') return true;
  return slotsOf(node).filter((s) => s.target !== undefined).length > 1;
}

function removable(node: FlowNode, slot: FlowSlot): boolean {
  if (node.kind === 'condition')
    return typeof slot === 'string' ? node.else !== undefined : node.branches.length > 1;
  return node.kind === 'parallel' && node.branches.length > 2;
}

/**
 * Lays a flow out as a vertical column for the canvas: steps one below the other, the paths of a split
 * side by side until they meet again (found with post-dominators, so any acyclic graph lays out, nested
 * splits included), and every "+" as a {@link FlowEdge} for `insertFlowNode` / `moveFlowNode`.
 * @example flowCanvas(flow).items // [{ kind: 'step', nodeId: 'mail', after: { from: 'mail', slot: 'next' }, … }]
 */
export function flowCanvas(flow: Flow): FlowCanvas {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const merges = postDominators(flow);
  const placed = new Set<string>();

  const column = (start: string | undefined, stop: string | undefined): FlowCanvasItem[] => {
    const items: FlowCanvasItem[] = [];
    let id = start;
    while (id !== undefined && id !== stop) {
      const node = byId.get(id);
      if (!node) break;
      if (placed.has(id)) {
        items.push({ kind: 'goto', nodeId: id, label: nodeLabel(node) });
        break;
      }
      placed.add(id);
      if (isSplit(node)) {
        const merge = merges.get(id);
        const branches = slotsOf(node).map(({ slot, target }) => ({
          slot,
          label: slotLabel(node, slot),
          entry: { from: id!, slot } as FlowEdge,
          items: column(target, merge),
          removable: removable(node, slot),
          ends: target === undefined,
        }));
        items.push({
          kind: 'split',
          nodeId: id,
          node,
          label: nodeLabel(node),
          branches,
          ...(merge !== undefined ? { mergeId: merge } : {}),
          ...(merge !== undefined && node.kind !== 'parallel' ? { after: { before: merge } } : {}),
        });
        id = merge;
        continue;
      }
      const slot = primarySlot(node);
      items.push({
        kind: 'step',
        nodeId: id,
        node,
        label: nodeLabel(node),
        ...(slot !== undefined ? { after: { from: id, slot } } : {}),
        alternates: slotsOf(node)
          .filter((s) => s.target === undefined && s.slot !== slot)
          .map((s) => ({
            slot: s.slot,
            label: slotLabel(node, s.slot),
            edge: { from: node.id, slot: s.slot },
          })),
      });
      id = slot === undefined ? undefined : slotTarget(node, slot);
    }
    return items;
  };

  const items = column(flow.start, undefined);
  const live = reachable(flow);
  return {
    flowId: flow.id,
    trigger: flow.trigger,
    triggerLabel: FLOW_TRIGGER_KINDS[flow.trigger.kind],
    entry: { from: null },
    items,
    unreachable: flow.nodes.filter((n) => !live.has(n.id)).map((n) => n.id),
  };
}
