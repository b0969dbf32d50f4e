import { useDraggable, useDroppable } from '@dnd-kit/core';
import { FIELD_TYPE_LABELS } from '@dougong/designer';
import type { Entity, Form, FormNode } from '@dougong/schema';
import { type CSSProperties, type KeyboardEvent, type ReactNode, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { ItemIssues } from '../common/IssueList';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import type { DropHover, KeyMove } from './FormDesigner';
import { type DragData, type DropTarget, dropId } from './form-dnd';

type Tab = Extract<FormNode, { kind: 'tabs' }>['tabs'][number];

interface CanvasProps {
  form: Form;
  entity: Entity;
  selectedIds: readonly string[];
  hover: DropHover | null;
  dragging: boolean;
  onSelect(id: string, extend: boolean): void;
  onClearSelection(): void;
  onKeyMove(nodeId: string, direction: KeyMove, name: string): void;
  onRemoveSelected(): void;
}

/**
 * The form's layout as an editable canvas, laid out like the runtime form (the same grid of columns):
 * every item can be dragged by its handle, selected (Ctrl/⌘/Shift-click adds to the selection), moved
 * with Alt + arrows (up / down among its siblings, → into the section or tabs above, ← out of its
 * container), and deleted with Delete.
 */
export function FormCanvas(props: CanvasProps) {
  const dt = useDesignerText();
  const { form } = props;
  const target: DropTarget = { kind: 'inside', id: null };
  const { setNodeRef, isOver } = useDroppable({ id: dropId(target), data: target });
  const hoverHere = props.hover?.over.overId === null;
  return (
    <section className="canvas-wrap" aria-label={dt('forms.canvas')}>
      <div className="canvas-toolbar">
        <span className="muted small">{dt('forms.keyboardHint')}</span>
        <button
          type="button"
          className="danger"
          disabled={props.selectedIds.length === 0}
          onClick={props.onRemoveSelected}
          data-testid="remove-selected"
        >
          {dt('forms.removeSelected', { count: props.selectedIds.length })}
        </button>
      </div>
      {/* Clicking the canvas background clears the selection; Escape on an item does the same. */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pointer convenience, Escape is the keyboard way */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: Escape on the items clears the selection */}
      <div
        onClick={(e) => {
          if (e.target === e.currentTarget) props.onClearSelection();
        }}
        ref={setNodeRef}
        className={[
          'canvas',
          props.dragging ? 'dragging' : '',
          isOver && hoverHere ? (props.hover?.ok ? 'drop-inside' : 'drop-refused') : '',
        ].join(' ')}
        data-testid="canvas"
      >
        {form.layout.length === 0 && <p className="canvas-empty">{dt('forms.emptyCanvas')}</p>}
        <Items {...props} items={form.layout} columns={2} />
      </div>
    </section>
  );
}

function Items({ items, columns, ...props }: CanvasProps & { items: readonly FormNode[]; columns: number }) {
  return (
    <div className="grid" style={{ '--cols': columns } as CSSProperties}>
      {items.map((node) => (
        <CanvasNode key={node.id} node={node} columns={columns} {...props} />
      ))}
    </div>
  );
}

/** Where a drop indicator shows on an item, if the hover is over it. */
function hoverClass(props: CanvasProps, id: string): string {
  const hover = props.hover;
  if (!hover || hover.over.overId !== id) return '';
  if (!hover.ok) return 'drop-refused';
  return `drop-${hover.over.position}`;
}

function CanvasNode({ node, columns, ...props }: CanvasProps & { node: FormNode; columns: number }) {
  const { label, locale } = useI18n();
  const dt = useDesignerText();
  const { issues } = useDesigner();
  const field = node.kind === 'field' ? props.entity.fields.find((f) => f.id === node.fieldId) : undefined;
  const name =
    node.kind === 'field'
      ? label(node.label ?? field?.label) || node.fieldId
      : node.kind === 'section'
        ? label(node.label) ||
          dt(node.label ? 'forms.section' : 'forms.columns', { count: node.columns ?? 2 })
        : node.kind === 'tabs'
          ? dt('forms.tabs')
          : node.kind === 'divider'
            ? dt('forms.divider')
            : label(node.text);
  const mine = issues.filter(
    (i) =>
      i.target.selection?.kind === 'formNodes' &&
      i.target.selection.formId === props.form.id &&
      i.target.selection.nodeIds.includes(node.id) &&
      (i.target.within === '' || !/^\/(children|tabs)\//.test(i.target.within)),
  );
  const wide =
    node.kind === 'section' || node.kind === 'tabs' || node.kind === 'divider' || node.kind === 'text';
  const span =
    node.kind === 'field'
      ? (node.span ??
        (field?.type === 'subTable' || field?.type === 'longText' || field?.type === 'richText' ? 99 : 1))
      : 99;
  const style: CSSProperties | undefined =
    span > 1 || wide
      ? { gridColumn: span >= 99 || wide ? '1 / -1' : `span ${Math.min(span, columns)}` }
      : undefined;

  let body: ReactNode;
  switch (node.kind) {
    case 'field':
      body = (
        <div className="canvas-field">
          <span className={field?.required ? 'canvas-label required' : 'canvas-label'}>{name}</span>
          <span className="canvas-input" aria-hidden="true">
            {field ? FIELD_TYPE_LABELS[field.type][locale] : dt('forms.missingField')}
          </span>
          {node.readOnly && <small> {dt('forms.readOnly')}</small>}
        </div>
      );
      break;
    case 'section':
      body = (
        <div className="canvas-section">
          <header>
            {node.label ? (
              <>
                <strong>{label(node.label)}</strong>{' '}
                <small>{dt('forms.columnsCount', { count: node.columns ?? 2 })}</small>
              </>
            ) : (
              <em>{name}</em>
            )}
          </header>
          <ContainerBody id={node.id} {...props}>
            {node.children.length === 0 && <p className="canvas-empty">{dt('forms.dropHere')}</p>}
            <Items {...props} items={node.children} columns={node.columns ?? 2} />
          </ContainerBody>
        </div>
      );
      break;
    case 'tabs':
      body = <CanvasTabs node={node} {...props} />;
      break;
    case 'divider':
      body = <hr />;
      break;
    case 'text':
      body = <p className="canvas-text">{label(node.text)}</p>;
      break;
  }
  return (
    <Draggable
      id={node.id}
      name={name}
      tab={false}
      style={style}
      horizontal={columns > 1 && !wide}
      {...props}
    >
      {body}
      <ItemIssues issues={mine} />
    </Draggable>
  );
}

/** A container's body: dropping on it appends to the container. */
function ContainerBody({ id, children, ...props }: CanvasProps & { id: string; children: ReactNode }) {
  const target: DropTarget = { kind: 'inside', id };
  const { setNodeRef } = useDroppable({ id: dropId(target), data: target });
  const hover = props.hover;
  const here = hover && hover.over.overId === id && hover.over.position === 'inside';
  return (
    <div
      ref={setNodeRef}
      className={['container-body', here ? (hover.ok ? 'drop-inside' : 'drop-refused') : ''].join(' ')}
      data-container={id}
    >
      {children}
    </div>
  );
}

function CanvasTabs({ node, ...props }: CanvasProps & { node: Extract<FormNode, { kind: 'tabs' }> }) {
  const { label } = useI18n();
  const dt = useDesignerText();
  const [active, setActive] = useState(node.tabs[0]?.id);
  // A tab selected on the canvas or in the panel is shown.
  const selectedTab = node.tabs.find((t) => props.selectedIds.includes(t.id))?.id;
  const shown = node.tabs.find((t) => t.id === (selectedTab ?? active)) ?? node.tabs[0];
  return (
    <div className="canvas-tabs">
      <div className="canvas-tablist">
        {node.tabs.map((tab) => (
          <Draggable
            key={tab.id}
            id={tab.id}
            name={label(tab.label)}
            tab
            horizontal
            {...props}
            onSelect={(id, extend) => {
              setActive(id);
              props.onSelect(id, extend);
            }}
          >
            <span className={tab.id === shown?.id ? 'tab-title active' : 'tab-title'}>
              {label(tab.label)}
            </span>
          </Draggable>
        ))}
      </div>
      {shown && (
        <TabBody tab={shown} {...props}>
          {shown.children.length === 0 && <p className="canvas-empty">{dt('forms.dropHere')}</p>}
        </TabBody>
      )}
    </div>
  );
}

function TabBody({ tab, children, ...props }: CanvasProps & { tab: Tab; children: ReactNode }) {
  return (
    <ContainerBody id={tab.id} {...props}>
      {children}
      <Items {...props} items={tab.children} columns={2} />
    </ContainerBody>
  );
}

/** A canvas item: a drop target (before / after it), draggable by its handle, selectable, keyboard-movable. */
function Draggable({
  id,
  name,
  tab,
  horizontal,
  style,
  children,
  ...props
}: CanvasProps & {
  id: string;
  name: string;
  tab: boolean;
  horizontal: boolean;
  style?: CSSProperties | undefined;
  children: ReactNode;
}) {
  const dt = useDesignerText();
  const target: DropTarget = { kind: 'item', id, horizontal, tab };
  const drop = useDroppable({ id: dropId(target), data: target });
  const data: DragData = { drag: { source: 'canvas', nodeId: id }, name, tab };
  const drag = useDraggable({ id: `node:${id}`, data });
  const selected = props.selectedIds.includes(id);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return;
    const moves: Record<string, KeyMove> = tab
      ? { ArrowLeft: 'up', ArrowRight: 'down' }
      : { ArrowUp: 'up', ArrowDown: 'down', ArrowRight: 'in', ArrowLeft: 'out' };
    if (event.altKey && moves[event.key]) {
      event.preventDefault();
      props.onKeyMove(id, moves[event.key]!, name);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      if (!selected) props.onSelect(id, false);
      else props.onRemoveSelected();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      props.onClearSelection();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      props.onSelect(id, event.shiftKey || event.ctrlKey || event.metaKey);
    }
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a canvas item holds nested interactive items, a button cannot
    <div
      ref={drop.setNodeRef}
      style={style}
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      aria-label={name}
      aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown Alt+ArrowLeft Alt+ArrowRight Delete"
      data-node-id={id}
      data-testid={`node-${id}`}
      className={[
        tab ? 'canvas-item canvas-tab' : 'canvas-item',
        selected ? 'selected' : '',
        drag.isDragging ? 'dragging' : '',
        hoverClass(props, id),
      ].join(' ')}
      onClick={(event) => {
        event.stopPropagation();
        props.onSelect(id, event.shiftKey || event.ctrlKey || event.metaKey);
      }}
      onKeyDown={onKeyDown}
    >
      <span
        ref={drag.setNodeRef}
        className="drag-handle"
        title={dt('dnd.handle', { item: name })}
        aria-hidden="true"
        data-testid={`handle-${id}`}
        {...drag.listeners}
      >
        ⠿
      </span>
      {children}
    </div>
  );
}
