import {
  DndContext,
  type DragEndEvent,
  type DragMoveEvent,
  DragOverlay,
  type DragStartEvent,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  applyAction,
  DROP_ANNOUNCEMENTS,
  type DropResolution,
  type FormDragItem,
  type FormDropOver,
  keyboardFormMove,
  resolveFormDrop,
  type Selection,
} from '@dougong/designer';
import { fieldNodes } from '@dougong/forms';
import type { Entity, Form } from '@dougong/schema';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { FormCanvas } from './FormCanvas';
import { FormPalette } from './FormPalette';
import { FormPreview } from './FormPreview';
import { FormProperties } from './FormProperties';
import { FormRules } from './FormRules';
import { type DragData, type DropTarget, dropOver, innermost, pointerOf } from './form-dnd';

/** The hover state of a drag: where it would land and whether it may. */
export interface DropHover {
  readonly over: FormDropOver;
  readonly ok: boolean;
  readonly reason?: string;
}

/** Keyboard moves of canvas items: Alt + arrows. */
export type KeyMove = 'up' | 'down' | 'in' | 'out';

/**
 * The designer of one form: palette → canvas → property panel, with drag and drop (pointer) and keyboard
 * alternatives for every drag, multi-select delete, the form's rules, and a live preview. Every drop and
 * key only dispatches designer actions (resolved by `resolveFormDrop` / `keyboardFormMove`).
 */
export function FormDesigner({ form, entity }: { form: Form; entity: Entity }) {
  const { doc, dispatch, selection, select, latest } = useDesigner();
  const dt = useDesignerText();
  const { locale } = useI18n();
  const [active, setActive] = useState<DragData | null>(null);
  const [hover, setHover] = useState<DropHover | null>(null);
  const [message, setMessage] = useState('');
  const [panel, setPanel] = useState<'properties' | 'rules'>('properties');
  const focusAfter = useRef<string | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }));

  // Editing a field in the panel selects the field (that is what the action edits): on the form, that is
  // the field's place.
  const selectedIds = useMemo(() => selectedNodeIds(selection, form), [selection, form]);

  // Keeps the keyboard focus on an item that moved (moving into another container remounts it).
  useEffect(() => {
    const id = focusAfter.current;
    if (!id) return;
    focusAfter.current = null;
    const element = document.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(id)}"]`);
    element?.focus();
  });

  const announce = useCallback((text: string) => setMessage(text), []);

  const applyResolution = useCallback(
    (resolution: DropResolution, what: string, focusId?: string) => {
      if (!resolution.ok) {
        announce(`${DROP_ANNOUNCEMENTS.refused[locale]}: ${resolution.refusal.message[locale]}`);
        return false;
      }
      if (resolution.noop) return false;
      // A new field dropped on the form: select its place on the form (the action selects the field).
      const action = resolution.action;
      const placed = action.type === 'addField' && action.place ? applyAction(latest().doc, action) : null;
      const refusal = dispatch(action);
      if (refusal) {
        announce(`${DROP_ANNOUNCEMENTS.refused[locale]}: ${refusal.message[locale]}`);
        return false;
      }
      if (placed?.ok && placed.select?.kind === 'field') {
        const fieldId = placed.select.fieldId;
        const next = placed.doc.forms?.find((f) => f.id === form.id);
        const node = next ? fieldNodes(next).find((n) => n.fieldId === fieldId) : undefined;
        if (node) select({ kind: 'formNodes', formId: form.id, nodeIds: [node.id] });
      }
      const added = resolution.action.type !== 'moveFormNode';
      announce(`${(added ? DROP_ANNOUNCEMENTS.added : DROP_ANNOUNCEMENTS.moved)[locale]}: ${what}`);
      if (focusId) focusAfter.current = focusId;
      return true;
    },
    [announce, dispatch, locale, latest, form.id, select],
  );

  const resolveAt = useCallback(
    (event: Pick<DragMoveEvent, 'active' | 'over' | 'activatorEvent' | 'delta'>) => {
      const data = event.active.data.current as DragData | undefined;
      const target = event.over?.data.current as DropTarget | undefined;
      if (!data || !target || !event.over) return null;
      const rect = event.over.rect;
      const translated = event.active.rect.current.translated;
      const point =
        pointerOf(event) ??
        (translated
          ? { x: translated.left + translated.width / 2, y: translated.top + translated.height / 2 }
          : { x: rect.left, y: rect.top });
      const over = dropOver(target, rect, point, data.tab);
      return { over, resolution: resolveFormDrop(doc, form.id, data.drag, over), data };
    },
    [doc, form.id],
  );

  const onDragStart = (event: DragStartEvent) => {
    const data = event.active.data.current as DragData | undefined;
    setActive(data ?? null);
    if (data) announce(`${DROP_ANNOUNCEMENTS.picked[locale]}: ${data.name}`);
  };
  const onDragMove = (event: DragMoveEvent) => {
    const at = resolveAt(event);
    if (!at) {
      setHover(null);
      return;
    }
    const next: DropHover = at.resolution.ok
      ? { over: at.over, ok: !at.resolution.noop }
      : { over: at.over, ok: false, reason: at.resolution.refusal.message[locale] };
    setHover((current) =>
      current &&
      current.ok === next.ok &&
      current.over.overId === next.over.overId &&
      current.over.position === next.over.position
        ? current
        : next,
    );
  };
  const onDragEnd = (event: DragEndEvent) => {
    const at = resolveAt(event);
    setActive(null);
    setHover(null);
    if (!at) {
      announce(DROP_ANNOUNCEMENTS.cancelled[locale]);
      return;
    }
    applyResolution(
      at.resolution,
      at.data.name,
      at.data.drag.source === 'canvas' ? at.data.drag.nodeId : undefined,
    );
  };

  /** The keyboard alternative of dragging a palette item: it goes where the selection is. */
  const addFromPalette = (drag: FormDragItem, name: string) => {
    // Against the state the last key press left, not the last render: two presses in a row add two.
    const now = latest();
    const current = now.doc.forms?.find((f) => f.id === form.id) ?? form;
    const selected = selectedNodeIds(now.selection, current);
    const only = selected.length === 1 ? selected[0]! : null;
    let over: FormDropOver = { overId: null, position: 'inside' };
    if (only) {
      const inside = resolveFormDrop(now.doc, form.id, drag, { overId: only, position: 'inside' });
      over = inside.ok ? { overId: only, position: 'inside' } : { overId: only, position: 'after' };
    }
    applyResolution(resolveFormDrop(now.doc, form.id, drag, over), name);
  };

  /** Alt + arrows on a canvas item. */
  const keyMove = (nodeId: string, direction: KeyMove, name: string) => {
    applyResolution(keyboardFormMove(latest().doc, form.id, nodeId, direction), name, nodeId);
  };

  const removeSelected = () => {
    if (selectedIds.length === 0) return;
    const refusal = dispatch({ type: 'removeFormNodes', formId: form.id, nodeIds: selectedIds });
    announce(refusal ? refusal.message[locale] : dt('forms.removed', { count: selectedIds.length }));
  };

  return (
    <div className="form-designer" data-testid="form-designer">
      <DndContext
        sensors={sensors}
        collisionDetection={innermost}
        onDragStart={onDragStart}
        onDragMove={onDragMove}
        onDragEnd={onDragEnd}
        onDragCancel={() => {
          setActive(null);
          setHover(null);
          announce(DROP_ANNOUNCEMENTS.cancelled[locale]);
        }}
        accessibility={{ screenReaderInstructions: { draggable: dt('forms.dragInstructions') } }}
      >
        <FormPalette form={form} onAdd={addFromPalette} />
        <div className="canvas-column">
          <FormCanvas
            form={form}
            entity={entity}
            selectedIds={selectedIds}
            hover={hover}
            dragging={active !== null}
            onSelect={(id, extend) => {
              if (!extend) select({ kind: 'formNodes', formId: form.id, nodeIds: [id] });
              else {
                const next = selectedIds.includes(id)
                  ? selectedIds.filter((n) => n !== id)
                  : [...selectedIds, id];
                select(
                  next.length > 0
                    ? { kind: 'formNodes', formId: form.id, nodeIds: next }
                    : { kind: 'form', formId: form.id },
                );
              }
            }}
            onClearSelection={() => select({ kind: 'form', formId: form.id })}
            onKeyMove={keyMove}
            onRemoveSelected={removeSelected}
          />
          <FormPreview form={form} entity={entity} />
        </div>
        <DragOverlay dropAnimation={null}>
          {active ? <div className="drag-overlay">{active.name}</div> : null}
        </DragOverlay>
      </DndContext>
      <aside className="form-side">
        <div className="side-tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={panel === 'properties'}
            onClick={() => setPanel('properties')}
            data-testid="panel-properties"
          >
            {dt('forms.properties')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={panel === 'rules'}
            onClick={() => setPanel('rules')}
            data-testid="panel-rules"
          >
            {dt('forms.rules')} ({(form.linkage?.length ?? 0) + (form.validation?.length ?? 0)})
          </button>
        </div>
        {panel === 'properties' ? (
          <FormProperties
            form={form}
            entity={entity}
            selectedIds={selectedIds}
            onKeyMove={keyMove}
            onRemove={removeSelected}
          />
        ) : (
          <FormRules form={form} entity={entity} />
        )}
      </aside>
      <p className="sr-only" aria-live="assertive" data-testid="form-announcer">
        {message}
      </p>
      {hover && !hover.ok && hover.reason && (
        <p className="drop-refusal" role="status">
          {hover.reason}
        </p>
      )}
    </div>
  );
}

/**
 * The canvas items a selection stands for: the selected form nodes, or the place on the form of a
 * selected field (editing a field in the panel selects the field).
 */
function selectedNodeIds(selection: Selection | null | undefined, form: Form): readonly string[] {
  if (selection?.kind === 'formNodes' && selection.formId === form.id) return selection.nodeIds;
  if ((selection?.kind === 'field' || selection?.kind === 'option') && selection.entityId === form.entity) {
    const node = fieldNodes(form).find((n) => n.fieldId === selection.fieldId);
    return node ? [node.id] : [];
  }
  return [];
}
