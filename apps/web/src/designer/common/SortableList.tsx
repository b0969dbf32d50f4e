import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { ReactNode } from 'react';
import { useDesignerText } from '../designer-i18n';

/**
 * A vertical list reordered by dragging its handle, by the keyboard (focus the handle, Space, arrows,
 * Space), or with the up / down buttons. Drags only report the move: `onMove(id, index)` with the final
 * index, which the caller turns into a designer action.
 */
export function SortableList<T extends { id: string }>({
  items,
  name,
  onMove,
  render,
  testId,
  itemTestId,
}: {
  items: readonly T[];
  /** How an item is called in announcements and button labels. */
  name(item: T): string;
  onMove(id: string, index: number): void;
  render(item: T, index: number): ReactNode;
  testId?: string;
  itemTestId?(item: T): string;
}) {
  const dt = useDesignerText();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const nameOf = (id: string | number) => {
    const item = items.find((i) => i.id === id);
    return item ? name(item) : String(id);
  };
  const position = (id: string | number | undefined) => items.findIndex((i) => i.id === id) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => dt('dnd.picked', { item: nameOf(active.id), position: position(active.id) }),
    onDragOver: ({ active, over }) =>
      over ? dt('dnd.over', { item: nameOf(active.id), position: position(over.id) }) : undefined,
    onDragEnd: ({ active, over }) =>
      over ? dt('dnd.dropped', { item: nameOf(active.id), position: position(over.id) }) : undefined,
    onDragCancel: ({ active }) => dt('dnd.cancelled', { item: nameOf(active.id) }),
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const to = items.findIndex((i) => i.id === over.id);
    if (to >= 0) onMove(String(active.id), to);
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: { draggable: dt('dnd.instructions') },
      }}
    >
      <SortableContext items={items.map((i) => i.id)} strategy={verticalListSortingStrategy}>
        <ol className="sortable-list" data-testid={testId}>
          {items.map((item, index) => (
            <SortableRow
              key={item.id}
              id={item.id}
              label={name(item)}
              first={index === 0}
              last={index === items.length - 1}
              onUp={() => onMove(item.id, index - 1)}
              onDown={() => onMove(item.id, index + 1)}
              testId={itemTestId?.(item)}
            >
              {render(item, index)}
            </SortableRow>
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}

function SortableRow({
  id,
  label,
  first,
  last,
  onUp,
  onDown,
  children,
  testId,
}: {
  id: string;
  label: string;
  first: boolean;
  last: boolean;
  onUp(): void;
  onDown(): void;
  children: ReactNode;
  testId: string | undefined;
}) {
  const dt = useDesignerText();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={isDragging ? 'sortable-row dragging' : 'sortable-row'}
      data-testid={testId}
    >
      <button
        type="button"
        className="drag-handle"
        ref={setActivatorNodeRef}
        aria-label={dt('dnd.handle', { item: label })}
        {...attributes}
        {...listeners}
      >
        ⠿
      </button>
      <div className="sortable-body">{children}</div>
      <button
        type="button"
        className="link move"
        onClick={onUp}
        disabled={first}
        aria-label={dt('dnd.up', { item: label })}
      >
        ↑
      </button>
      <button
        type="button"
        className="link move"
        onClick={onDown}
        disabled={last}
        aria-label={dt('dnd.down', { item: label })}
      >
        ↓
      </button>
    </li>
  );
}
