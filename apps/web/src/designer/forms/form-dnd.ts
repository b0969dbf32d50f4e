import type { ClientRect, CollisionDetection, DragMoveEvent } from '@dnd-kit/core';
import { pointerWithin, rectIntersection } from '@dnd-kit/core';
import type { FormDragItem, FormDropOver } from '@dougong/designer';

/**
 * Drop targets on the canvas. `item` is a layout item (node or tab): dropping on it puts the dragged item
 * before or after it (by which half the pointer is in; left / right halves in multi-column grids, and for
 * tab headers). `inside` is a container's body (the form itself, a section, a tab): dropping there
 * appends to it.
 */
export type DropTarget =
  | { readonly kind: 'item'; readonly id: string; readonly horizontal: boolean; readonly tab: boolean }
  | { readonly kind: 'inside'; readonly id: string | null };

/** What draggables carry. */
export interface DragData {
  readonly drag: FormDragItem;
  /** How the dragged thing is called in announcements. */
  readonly name: string;
  /** A tab of a tabs block is being dragged (it goes only among tabs). */
  readonly tab: boolean;
}

/** The droppable id of a target. */
export function dropId(target: DropTarget): string {
  return target.kind === 'item' ? `item:${target.id}` : `inside:${target.id ?? ''}`;
}

// The innermost target under the pointer: nested containers all contain it, the smallest is meant.
export const innermost: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const found = hits.length > 0 ? hits : rectIntersection(args);
  const area = (rect: ClientRect | undefined) => (rect ? rect.width * rect.height : Number.POSITIVE_INFINITY);
  return [...found].sort((a, b) => area(args.droppableRects.get(a.id)) - area(args.droppableRects.get(b.id)));
};

/** The pointer position of a drag now (its start plus the distance moved), if the drag has one. */
export function pointerOf(
  event: Pick<DragMoveEvent, 'activatorEvent' | 'delta'>,
): { x: number; y: number } | null {
  const start = event.activatorEvent as Partial<PointerEvent> | null;
  if (!start || typeof start.clientX !== 'number' || typeof start.clientY !== 'number') return null;
  return { x: start.clientX + event.delta.x, y: start.clientY + event.delta.y };
}

/**
 * Where a drop lands: over a target's rect, at a pointer position (or, for drags without a pointer, at
 * the centre of the dragged item's rect).
 */
export function dropOver(
  target: DropTarget,
  rect: ClientRect,
  point: { x: number; y: number },
  draggingTab: boolean,
): FormDropOver {
  if (target.kind === 'inside') return { overId: target.id, position: 'inside' };
  // Anything but a tab dropped on a tab's header goes into that tab.
  if (target.tab && !draggingTab) return { overId: target.id, position: 'inside' };
  const first = target.horizontal
    ? point.x < rect.left + rect.width / 2
    : point.y < rect.top + rect.height / 2;
  return { overId: target.id, position: first ? 'before' : 'after' };
}
