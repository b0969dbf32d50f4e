import type { FormNode } from '@dougong/schema';
import { type Collection, mergeCollection, orderSlots, type Placed } from './keyed-merge.js';
import type { MergeRecorder } from './merge-report.js';

const ROOT = 'root';
// Items of a layout: nodes (`n:<id>`) and the tabs of a tabs node (`t:<id>`). A slot is the item id of
// its container (a section's children, a tabs node's tabs, a tab's children) or `root`.
const nodeItem = (id: string) => `n:${id}`;
const tabItem = (id: string) => `t:${id}`;

type Json = Record<string, unknown>;

/** Flattens a form layout into items with their slots, so moves between containers merge by id. */
export function flattenLayout(layout: readonly FormNode[]): Collection {
  const items = new Map<string, Placed>();
  const order = new Map<string, string[]>();
  const place = (id: string, slot: string, value: unknown) => {
    items.set(id, { slot, value });
    const list = order.get(slot) ?? [];
    order.set(slot, list);
    list.push(id);
  };
  const walk = (nodes: readonly FormNode[], slot: string) => {
    for (const node of nodes) {
      const id = nodeItem(node.id);
      if (node.kind === 'section') {
        const { children, ...rest } = node;
        place(id, slot, rest);
        walk(children, id);
      } else if (node.kind === 'tabs') {
        const { tabs, ...rest } = node;
        place(id, slot, rest);
        for (const tab of tabs) {
          const { children, ...tabRest } = tab;
          place(tabItem(tab.id), id, tabRest);
          walk(children, tabItem(tab.id));
        }
      } else place(id, slot, node);
    }
  };
  walk(layout, ROOT);
  return { items, order };
}

/**
 * Three-way merge of a form layout by node id: node properties merge like any item, a node moved by
 * one side moves, the customer's deletions stay, the template's new nodes land beside the neighbour
 * they follow. A node whose container is gone moves up to the nearest remaining container of the
 * template's (else the customer's) tree; one that would end up inside itself keeps the customer's
 * placement.
 */
export function mergeLayout(
  path: string,
  base: readonly FormNode[],
  customer: readonly FormNode[],
  template: readonly FormNode[],
  mergeItem: (path: string, b: unknown, c: unknown, t: unknown) => unknown,
  recorder: MergeRecorder,
): FormNode[] {
  const b = flattenLayout(base);
  const c = flattenLayout(customer);
  const t = flattenLayout(template);
  const itemPath = (id: string) => `${path}/${id.slice(2)}`;
  const merged = mergeCollection(
    b,
    c,
    t,
    { path: itemPath, mergeItem: (id, x, y, z) => mergeItem(itemPath(id), x, y, z), trackMoves: true },
    recorder,
  );
  relocateOrphans(merged, [t, c, b], itemPath, recorder);
  breakCycles(merged, c, itemPath, recorder);
  const order = orderSlots(merged, b, c, t);
  const build = (slot: string): Json[] =>
    (order.get(slot) ?? []).map((id) => {
      const value = merged.get(id)!.value as Json;
      if (id.startsWith('t:')) return { ...value, children: build(id) };
      if (value.kind === 'section') return { ...value, children: build(id) };
      if (value.kind === 'tabs') return { ...value, tabs: build(id) };
      return value;
    });
  const layout = build(ROOT) as unknown as FormNode[];
  // A tabs node needs at least one tab: one whose tabs are all gone is dropped with its (empty) slot.
  return pruneEmptyTabs(layout as unknown as Json[]);
}

function kindOf(merged: Map<string, Placed>, id: string): string | undefined {
  if (id.startsWith('t:')) return merged.has(id) ? 'tab' : undefined;
  return (merged.get(id)?.value as Json | undefined)?.kind as string | undefined;
}

/** Whether an item may sit in a slot of the merged layout. */
function fits(merged: Map<string, Placed>, id: string, slot: string): boolean {
  const container = slot === ROOT ? 'root' : kindOf(merged, slot);
  if (id.startsWith('t:')) return container === 'tabs';
  return container === 'root' || container === 'section' || container === 'tab';
}

function relocateOrphans(
  merged: Map<string, Placed>,
  versions: Collection[],
  itemPath: (id: string) => string,
  recorder: MergeRecorder,
): void {
  for (const [id, placed] of [...merged]) {
    if (fits(merged, id, placed.slot)) continue;
    let slot = placed.slot;
    const seen = new Set<string>();
    while (!fits(merged, id, slot) && slot !== ROOT && !seen.has(slot)) {
      seen.add(slot);
      slot = versions.map((v) => v.items.get(slot)?.slot).find((s) => s !== undefined) ?? ROOT;
    }
    if (fits(merged, id, slot)) {
      recorder.conflict(itemPath(id), 'containerRemoved', undefined, { slot: placed.slot });
      merged.set(id, { ...placed, slot });
    } else {
      recorder.conflict(itemPath(id), 'containerRemoved', undefined, placed.value);
      merged.delete(id);
    }
  }
  // Removing an item can orphan its children in turn.
  if ([...merged].some(([id, p]) => !fits(merged, id, p.slot)))
    relocateOrphans(merged, versions, itemPath, recorder);
}

function breakCycles(
  merged: Map<string, Placed>,
  customer: Collection,
  itemPath: (id: string) => string,
  recorder: MergeRecorder,
): void {
  const inCycle = (id: string) => {
    let slot = merged.get(id)!.slot;
    for (let steps = 0; slot !== ROOT && steps <= merged.size; steps++) {
      if (slot === id) return true;
      slot = merged.get(slot)?.slot ?? ROOT;
    }
    return slot !== ROOT;
  };
  for (const [id, placed] of merged) {
    // Only nodes move; a tab in a cycle is fixed by moving its tabs node.
    if (id.startsWith('t:') || !inCycle(id)) continue;
    const own = customer.items.get(id)?.slot ?? ROOT;
    recorder.conflict(itemPath(id), 'cycle', { slot: own }, { slot: placed.slot });
    merged.set(id, { ...placed, slot: own });
    if (inCycle(id)) merged.set(id, { ...placed, slot: ROOT });
  }
}

function pruneEmptyTabs(nodes: Json[]): FormNode[] {
  const out: Json[] = [];
  for (const node of nodes) {
    if (node.kind === 'section') out.push({ ...node, children: pruneEmptyTabs(node.children as Json[]) });
    else if (node.kind === 'tabs') {
      const tabs = (node.tabs as Json[]).map((tab) => ({
        ...tab,
        children: pruneEmptyTabs(tab.children as Json[]),
      }));
      if (tabs.length > 0) out.push({ ...node, tabs });
    } else out.push(node);
  }
  return out as unknown as FormNode[];
}
