import {
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import type { AppDocument, Entity, Field } from '@dougong/schema';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, query } from '../api/client';
import { appDocument } from '../api/session';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import { displayValue } from '../lib/fields';
import { entityByKey, listRecords, loadLabels, type RecordJson, recordsUrl } from '../lib/records';

const NONE = '__none__';

// The column under the pointer (or finger) takes the card; the keyboard, which has no pointer, uses overlap.
const underPointer: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};
const PAGE = 20;

interface Column {
  key: string;
  items: RecordJson[];
  cursor: string | null;
  count: number;
  sum: string | null;
}

/**
 * A board grouped by a single-select field. Each column loads on its own (never all rows at once);
 * counts and sums come from the aggregate API. Moving a card is a PATCH through the same validation
 * and permissions as a form edit; when the target stage needs more input, the form opens instead.
 */
export default function KanbanPage({
  app,
  entity: entityKey,
  field: fieldKey,
}: {
  app: string;
  entity: string;
  field: string;
}) {
  const { t, label, locale } = useI18n();
  const [doc, setDoc] = useState<AppDocument | null>(null);
  const [columns, setColumns] = useState<Record<string, Column>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const entity: Entity | undefined = doc ? entityByKey(doc, entityKey) : undefined;
  const field = entity?.fields.find((f) => f.key === fieldKey);
  const moneyField = entity?.fields.find((f) => f.type === 'money');
  const titleField = entity?.fields.find((f) => f.id === entity.titleField) ?? entity?.fields[0];
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor),
  );

  useEffect(() => {
    void appDocument(app).then(setDoc);
  }, [app]);

  const filterFor = useCallback(
    (key: string) => (key === NONE ? { is_empty: [{ var: fieldKey }] } : { '==': [{ var: fieldKey }, key] }),
    [fieldKey],
  );

  const loadColumn = useCallback(
    async (key: string, cursor: string | null = null) => {
      if (!entity) return;
      const page = await listRecords(app, entityKey, {
        filter: filterFor(key),
        sort: '-updatedAt',
        limit: PAGE,
        cursor,
      });
      await loadLabels(entity.fields, page.items);
      setColumns((current) => {
        const previous = current[key];
        return {
          ...current,
          [key]: {
            key,
            items: cursor && previous ? [...previous.items, ...page.items] : page.items,
            cursor: page.nextCursor,
            count: previous?.count ?? page.total,
            sum: previous?.sum ?? null,
          },
        };
      });
    },
    [app, entityKey, entity, filterFor],
  );

  const loadTotals = useCallback(async () => {
    const result = await api<{
      items: Array<{ key: string | null; count: number; sums: Record<string, string | null> }>;
    }>(
      'GET',
      `/api/apps/${app}/entities/${entityKey}/aggregate${query({ groupBy: fieldKey, sum: moneyField?.key })}`,
    );
    setColumns((current) => {
      const next = { ...current };
      for (const [key, column] of Object.entries(next)) {
        const row = result.items.find((i) => (i.key ?? NONE) === key);
        next[key] = {
          ...column,
          count: row?.count ?? 0,
          sum: moneyField ? (row?.sums[moneyField.key] ?? '0') : null,
        };
      }
      return next;
    });
  }, [app, entityKey, fieldKey, moneyField]);

  useEffect(() => {
    if (field?.type !== 'singleSelect') return;
    const keys = [...field.options.map((o) => o.id), NONE];
    void Promise.all(keys.map((k) => loadColumn(k))).then(loadTotals);
  }, [field, loadColumn, loadTotals]);

  if (!doc || !entity) return <p className="loading">{t('app.loading')}</p>;
  if (field?.type !== 'singleSelect' || !titleField) return <p className="error">{t('app.error')}</p>;

  const columnLabel = (key: string) =>
    key === NONE ? t('kanban.none') : label(field.options.find((o) => o.id === key)?.label);

  async function onDragEnd(event: DragEndEvent) {
    const to = event.over?.id ? String(event.over.id) : null;
    const id = String(event.active.id);
    const from = Object.values(columns).find((c) => c.items.some((r) => r.id === id));
    if (!to || !from || from.key === to) return;
    setRefusal(null);
    const record = from.items.find((r) => r.id === id)!;
    const value = to === NONE ? null : to;
    // Optimistic move; rolled back when the server refuses.
    setColumns((current) => ({
      ...current,
      [from.key]: { ...from, items: from.items.filter((r) => r.id !== id), count: from.count - 1 },
      [to]: {
        ...current[to]!,
        items: [{ ...record, [fieldKey]: value }, ...current[to]!.items],
        count: current[to]!.count + 1,
      },
    }));
    try {
      await api('PATCH', `${recordsUrl(app, entityKey)}/${id}`, {
        version: record.version,
        [fieldKey]: value,
      });
      setMessage(t('kanban.moved', { column: columnLabel(to) }));
      await Promise.all([loadColumn(from.key), loadColumn(to), loadTotals()]);
    } catch (error) {
      await Promise.all([loadColumn(from.key), loadColumn(to), loadTotals()]);
      if (
        error instanceof ApiError &&
        error.status === 400 &&
        error.details.some((d) => d.path !== `/${fieldKey}`)
      ) {
        // The stage needs more input (a required field, a document): open the form with the move pending.
        setMessage(t('kanban.needsInput'));
        navigate(
          `/apps/${app}/${entityKey}/${id}`,
          `?edit=1&${encodeURIComponent(fieldKey)}=${encodeURIComponent(String(value ?? ''))}`,
        );
      } else if (error instanceof ApiError && error.status === 422 && error.details.length > 0) {
        // A stage gate refused the move: the card stays where it was, and the missing fields are named.
        const fields = error.details.map(
          (d) => label(entity?.fields.find((f) => `/${f.key}` === d.path)?.label) || d.path,
        );
        const text = t('kanban.gateRefused', {
          column: columnLabel(to),
          fields: fields.join(locale === 'en' ? ', ' : '、'),
        });
        setRefusal(text);
        setMessage(null);
      } else {
        setMessage(error instanceof ApiError ? error.message : t('app.error'));
      }
    }
  }

  const keys = [...field.options.map((o) => o.id), NONE];
  return (
    <section className="page" aria-labelledby="board-title">
      <div className="page-header">
        <h1 id="board-title">
          {label(entity.pluralLabel ?? entity.label)} · {label(field.label)}
        </h1>
        <div className="toolbar">
          <button type="button" onClick={() => navigate(`/apps/${app}/${entityKey}`)}>
            {t('list.table')}
          </button>
        </div>
      </div>
      <p className="sr-only">{t('kanban.dragHint')}</p>
      <p role="status" aria-live="polite" className="status" data-testid="kanban-status">
        {message}
      </p>
      {refusal && (
        <p role="alert" className="error" data-testid="kanban-refusal">
          {refusal}
        </p>
      )}
      <DndContext sensors={sensors} collisionDetection={underPointer} onDragEnd={(e) => void onDragEnd(e)}>
        <div className="board" data-testid="board">
          {keys.map((key) => {
            const column = columns[key];
            return (
              <BoardColumn
                key={key}
                id={key}
                title={columnLabel(key)}
                count={column?.count ?? 0}
                sum={column?.sum ?? null}
                moneyField={moneyField}
                doc={doc}
              >
                {column?.items.map((record) => (
                  <Card key={record.id} record={record} title={titleField} extra={moneyField} doc={doc} />
                ))}
                {column?.cursor && (
                  <button type="button" className="link" onClick={() => void loadColumn(key, column.cursor)}>
                    {t('kanban.more')}
                  </button>
                )}
              </BoardColumn>
            );
          })}
        </div>
      </DndContext>
    </section>
  );
}

function BoardColumn(props: {
  id: string;
  title: string;
  count: number;
  sum: string | null;
  moneyField: Field | undefined;
  doc: AppDocument;
  children: React.ReactNode;
}) {
  const { t, label } = useI18n();
  const { setNodeRef, isOver } = useDroppable({ id: props.id });
  return (
    <section
      ref={setNodeRef}
      className={isOver ? 'column over' : 'column'}
      aria-label={props.title}
      data-testid={`column-${props.id}`}
    >
      <header>
        <h2>{props.title}</h2>
        <span className="count" data-testid={`count-${props.id}`}>
          {t('kanban.count', { count: props.count })}
        </span>
        {props.moneyField && props.sum !== null && (
          <span className="sum" data-testid={`sum-${props.id}`}>
            {t('kanban.sum', {
              sum: String(displayValue(props.moneyField, props.sum, { label, t, doc: props.doc }) ?? ''),
            })}
          </span>
        )}
      </header>
      <div className="cards-column">{props.children}</div>
    </section>
  );
}

function Card({
  record,
  title,
  extra,
  doc,
}: {
  record: RecordJson;
  title: Field;
  extra: Field | undefined;
  doc: AppDocument;
}) {
  const { t, label } = useI18n();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: record.id });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <article
      ref={setNodeRef}
      style={style}
      className={isDragging ? 'kanban-card dragging' : 'kanban-card'}
      {...listeners}
      {...attributes}
      data-testid={`card-${record.id}`}
    >
      <strong>{displayValue(title, record[title.key], { label, t, doc })}</strong>
      {extra && <span>{displayValue(extra, record[extra.key], { label, t, doc })}</span>}
    </article>
  );
}
