import type { Flow, FlowNode, FlowNodeKind } from '@dougong/schema';
import { type FlowSlot, sameSlot, setSlot, slotsOf, slotTarget, targetsOf } from './flow-slots.js';

/**
 * A place in a flow where a node can be inserted (the "+" of the canvas): the edge from the trigger into
 * `start` (`from: null`), one outgoing slot of a node, or every edge into a node where branches meet
 * (`before`).
 */
export type FlowEdge =
  | { readonly from: null }
  | { readonly from: string; readonly slot: FlowSlot }
  | { readonly before: string };

/** The node an edge currently leads to (undefined: the path ends there). */
export function edgeTarget(flow: Flow, edge: FlowEdge): string | undefined {
  if ('before' in edge) return edge.before;
  if (edge.from === null) return flow.start;
  const node = flow.nodes.find((n) => n.id === edge.from);
  return node ? slotTarget(node, edge.slot) : undefined;
}

/** Whether an edge names existing nodes and slots. */
export function edgeExists(flow: Flow, edge: FlowEdge): boolean {
  if ('before' in edge) return flow.nodes.some((n) => n.id === edge.before);
  if (edge.from === null) return true;
  const node = flow.nodes.find((n) => n.id === edge.from);
  return !!node && slotsOf(node).some((s) => sameSlot(s.slot, edge.slot));
}

/** Every slot pointing at a node: `{ from, slot }` pairs (the trigger's edge is `from: null`). */
export function incoming(flow: Flow, id: string): Array<{ from: string | null; slot?: FlowSlot }> {
  const out: Array<{ from: string | null; slot?: FlowSlot }> = [];
  if (flow.start === id) out.push({ from: null });
  for (const node of flow.nodes)
    for (const { slot, target } of slotsOf(node)) if (target === id) out.push({ from: node.id, slot });
  return out;
}

/** The flow with the nodes list mapped (same flow when no node changed). */
export function mapNodes(flow: Flow, f: (node: FlowNode) => FlowNode): Flow {
  const nodes = flow.nodes.map(f);
  return nodes.every((n, i) => n === flow.nodes[i]) ? flow : { ...flow, nodes };
}

/** Points an edge at `target` (for `before`, every slot into the node, and `start` if it was the node). */
export function pointEdge(flow: Flow, edge: FlowEdge, target: string): Flow {
  if ('before' in edge) {
    const old = edge.before;
    const out = mapNodes(flow, (node) => {
      let next = node;
      for (const s of slotsOf(node)) if (s.target === old) next = setSlot(next, s.slot, target);
      return next;
    });
    return out.start === old ? { ...out, start: target } : out;
  }
  if (edge.from === null) return flow.start === target ? flow : { ...flow, start: target };
  const from = edge.from;
  return mapNodes(flow, (node) => (node.id === from ? setSlot(node, edge.slot, target) : node));
}

// Flows are immutable in the designer, so graph facts are computed once per flow object.
const REACHABLE = new WeakMap<Flow, Set<string>>();
const DOMINATORS = new WeakMap<Flow, Map<string, Set<string>>>();
const POST_DOMINATORS = new WeakMap<Flow, Map<string, string | undefined>>();

function cached<T>(cache: WeakMap<Flow, T>, flow: Flow, compute: (flow: Flow) => T): T {
  let value = cache.get(flow);
  if (value === undefined) {
    value = compute(flow);
    cache.set(flow, value);
  }
  return value;
}

/** Ids of the nodes reachable from `start`. */
export function reachable(flow: Flow): Set<string> {
  return cached(REACHABLE, flow, computeReachable);
}

function computeReachable(flow: Flow): Set<string> {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const stack = [flow.start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const node = byId.get(id);
    if (!node || seen.has(id)) continue;
    seen.add(id);
    stack.push(...targetsOf(node));
  }
  return seen;
}

/**
 * Drops the nodes an edit cut off: reachable before it, unreachable after it. Nodes that were unreachable
 * already are kept (the designer never deletes what it did not disconnect).
 */
export function dropCutOff(before: Flow, after: Flow): Flow {
  const was = reachable(before);
  const now = reachable(after);
  const nodes = after.nodes.filter((n) => now.has(n.id) || !was.has(n.id));
  return nodes.length === after.nodes.length ? after : { ...after, nodes };
}

/** A fresh node id for a kind: `sendEmail1`, `sendEmail2`, … */
export function newNodeId(
  flow: Flow,
  kind: FlowNodeKind,
  taken = new Set(flow.nodes.map((n) => n.id)),
): string {
  for (let n = 1; ; n++) if (!taken.has(`${kind}${n}`)) return `${kind}${n}`;
}

/** Forward dominators: for every reachable node, the nodes every path from `start` to it passes. */
export function dominators(flow: Flow): Map<string, Set<string>> {
  return cached(DOMINATORS, flow, computeDominators);
}

function computeDominators(flow: Flow): Map<string, Set<string>> {
  const ids = [...reachable(flow)];
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids) for (const t of targetsOf(byId.get(id)!)) preds.get(t)?.push(id);
  const all = new Set(ids);
  const dom = new Map<string, Set<string>>(
    ids.map((id) => [id, id === flow.start ? new Set([id]) : new Set(all)]),
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of ids) {
      if (id === flow.start) continue;
      const ps = preds.get(id)!;
      const next = new Set<string>(ps.length > 0 ? dom.get(ps[0]!)! : []);
      for (const p of ps.slice(1)) for (const d of next) if (!dom.get(p)!.has(d)) next.delete(d);
      next.add(id);
      if (next.size !== dom.get(id)!.size) {
        dom.set(id, next);
        changed = true;
      }
    }
  }
  return dom;
}

/**
 * Immediate post-dominators: where the paths leaving a node meet again (undefined when they only meet at
 * the end of the run). A condition's branches rejoin there; a parallel's at its join. Where two or more
 * paths are set, unset ones do not count: an approval without a returned path, or a condition without an
 * else, still has its other paths meet.
 */
export function postDominators(flow: Flow): Map<string, string | undefined> {
  return cached(POST_DOMINATORS, flow, computePostDominators);
}

function computePostDominators(flow: Flow): Map<string, string | undefined> {
  const EXIT = '\u0000exit';
  const ids = [...reachable(flow)];
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const succ = new Map<string, string[]>();
  for (const id of ids) {
    const node = byId.get(id)!;
    // Where two or more paths are set, unset alternatives (an approval's returned path, a missing else) are
    // left out, so the set paths meet where they meet; otherwise an unset path ends the run.
    const slots = slotsOf(node);
    const set = slots.filter((s) => s.target !== undefined);
    const out = (set.length >= 2 ? set : slots).map((s) =>
      s.target !== undefined && byId.has(s.target) ? s.target : EXIT,
    );
    succ.set(id, out.length > 0 ? [...new Set(out)] : [EXIT]);
  }
  const all = new Set([...ids, EXIT]);
  const pdom = new Map<string, Set<string>>(ids.map((id) => [id, new Set(all)]));
  pdom.set(EXIT, new Set([EXIT]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of [...ids].reverse()) {
      const ss = succ.get(id)!;
      const next = new Set<string>(pdom.get(ss[0]!)!);
      for (const s of ss.slice(1)) for (const d of next) if (!pdom.get(s)!.has(d)) next.delete(d);
      next.add(id);
      if (next.size !== pdom.get(id)!.size) {
        pdom.set(id, next);
        changed = true;
      }
    }
  }
  const out = new Map<string, string | undefined>();
  for (const id of ids) {
    const mine = pdom.get(id)!;
    let best: string | undefined;
    for (const d of mine) {
      if (d === id) continue;
      if (pdom.get(d)!.size === mine.size - 1) best = d;
    }
    out.set(id, best === EXIT ? undefined : best);
  }
  return out;
}
