import type { Flow, FlowNode } from '@dougong/schema';
import { incoming, mapNodes, newNodeId, postDominators } from './flow-graph.js';
import { primarySlot, setSlot, slotRequired, slotsOf, slotTarget } from './flow-slots.js';

/**
 * Where the run continues when a node is taken out: a condition's merge point, a parallel's join's next,
 * else the node's primary slot.
 */
export function continuation(flow: Flow, node: FlowNode): string | undefined {
  if (node.kind === 'condition') return postDominators(flow).get(node.id);
  if (node.kind === 'parallel') {
    const join = flow.nodes.find((n) => n.id === node.join);
    return join && join.kind === 'join' ? join.next : undefined;
  }
  const slot = primarySlot(node);
  return slot === undefined ? undefined : slotTarget(node, slot);
}

/** Whether some slot that must point somewhere (a branch) points at the node. */
export function hasRequiredIncoming(flow: Flow, id: string): boolean {
  return incoming(flow, id).some((e) => {
    if (e.from === null || e.slot === undefined) return false;
    const from = flow.nodes.find((n) => n.id === e.from)!;
    return slotRequired(from, e.slot);
  });
}

/**
 * Repoints every edge into `id` (and `start`) at `target`. Branch slots that would be left pointing
 * nowhere get a fresh `end` node (returned so callers can tell).
 */
export function bypass(flow: Flow, id: string, target: string | undefined): Flow {
  let end: string | undefined;
  const endId = () => {
    end ??= newNodeId(flow, 'end');
    return end;
  };
  let out = mapNodes(flow, (node) => {
    let next = node;
    for (const s of slotsOf(node))
      if (s.target === id) {
        const to = target ?? (slotRequired(node, s.slot) ? endId() : undefined);
        next = setSlot(next, s.slot, to);
      }
    return next;
  });
  if (out.start === id) out = { ...out, start: target ?? endId() };
  if (end !== undefined) out = { ...out, nodes: [...out.nodes, { id: end, kind: 'end' }] };
  return out;
}
