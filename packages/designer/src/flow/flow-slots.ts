import type { FlowNode } from '@dougong/schema';

/**
 * One outgoing pointer of a flow node: `next`; a condition's `else` or `{ branch: i }`; a parallel's
 * `{ branch: i }`; an approval's `approved` / `rejected` / `returned`; a wait's `timeoutNext`.
 */
export type FlowSlot =
  | 'next'
  | 'else'
  | 'approved'
  | 'rejected'
  | 'returned'
  | 'timeoutNext'
  | { readonly branch: number };

/** A slot with the node it points at (undefined: the path ends there). */
export interface SlotTarget {
  readonly slot: FlowSlot;
  readonly target: string | undefined;
}

/** Whether two slots are the same pointer. */
export function sameSlot(a: FlowSlot, b: FlowSlot): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.branch === b.branch;
}

/**
 * Every slot of a node with its target, in display order (condition branches then else; approval
 * approved, rejected, returned; wait next then timeout). A join and `end` have none besides `next`.
 */
export function slotsOf(node: FlowNode): SlotTarget[] {
  switch (node.kind) {
    case 'condition':
      return [
        ...node.branches.map((b, i) => ({ slot: { branch: i }, target: b.next })),
        { slot: 'else', target: node.else },
      ];
    case 'parallel':
      return node.branches.map((target, i) => ({ slot: { branch: i }, target }));
    case 'approval':
      return [
        { slot: 'approved', target: node.approved },
        { slot: 'rejected', target: node.rejected },
        { slot: 'returned', target: node.returned },
      ];
    case 'waitUntil':
      return [
        { slot: 'next', target: node.next },
        { slot: 'timeoutNext', target: node.timeoutNext },
      ];
    case 'end':
      return [];
    default:
      return [{ slot: 'next', target: node.next }];
  }
}

/** The slot a node continues through when it is drawn as one step (first of {@link slotsOf}). */
export function primarySlot(node: FlowNode): FlowSlot | undefined {
  return slotsOf(node)[0]?.slot;
}

/** Where a slot points, or undefined (also for a slot the node does not have). */
export function slotTarget(node: FlowNode, slot: FlowSlot): string | undefined {
  return slotsOf(node).find((s) => sameSlot(s.slot, slot))?.target;
}

/** Slots that must always point somewhere (condition branches, parallel branches). */
export function slotRequired(node: FlowNode, slot: FlowSlot): boolean {
  return typeof slot !== 'string' && (node.kind === 'condition' || node.kind === 'parallel');
}

/**
 * The node with one slot repointed (undefined clears an optional slot). Same node when unchanged.
 * Required slots (branches) cannot be cleared: use {@link slotRequired} first.
 */
export function setSlot(node: FlowNode, slot: FlowSlot, target: string | undefined): FlowNode {
  if (slotTarget(node, slot) === target) return node;
  if (typeof slot !== 'string') {
    if (target === undefined) throw new Error(`branch ${slot.branch} of ${node.id} needs a target`);
    if (node.kind === 'condition')
      return {
        ...node,
        branches: node.branches.map((b, i) => (i === slot.branch ? { ...b, next: target } : b)),
      };
    if (node.kind === 'parallel')
      return { ...node, branches: node.branches.map((b, i) => (i === slot.branch ? target : b)) };
    return node;
  }
  const out = { ...node } as Record<string, unknown>;
  if (target === undefined) delete out[slot];
  else out[slot] = target;
  return out as FlowNode;
}

/** Every node id a node continues to (like `successors` of the flow package, duplicates kept once). */
export function targetsOf(node: FlowNode): string[] {
  const out: string[] = [];
  for (const { target } of slotsOf(node)) if (target !== undefined && !out.includes(target)) out.push(target);
  return out;
}
