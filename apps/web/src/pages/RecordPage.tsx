import { createFormEngine, type FormEngine, formFor } from '@dougong/forms';
import type { AppDocument, Entity, Label } from '@dougong/schema';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { ApiError, api } from '../api/client';
import { appDocument, loadMe } from '../api/session';
import { navigate } from '../app/router';
import { DuplicatesPanel } from '../components/DuplicatesPanel';
import { FormView } from '../components/FormView';
import { ConvertActions, ScorePanel } from '../components/RecordWorkflow';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { recordTitle } from '../lib/fields';
import { entityByKey, listRecords, loadLabels, type RecordJson, recordsUrl } from '../lib/records';

type Values = Record<string, unknown>;
interface HistoryItem {
  id: number;
  action: string;
  actor: string | null;
  at: string;
  changes: Record<string, { before: unknown; after: unknown }>;
  /** Set on the entries of a merge: the record kept and the one merged into it. */
  merge?: { survivor: string; other: string };
  /** Set when the write came in through a capture hook. */
  source?: { kind: string; hook?: string; channel?: string; receivedAt?: string };
}

/** One related list of a record, as `GET …/records/{id}/related` returns it. */
interface RelatedRecords {
  key: string;
  entity: string;
  /** The reference field of `entity` pointing here (or at the intermediate record). */
  field: string;
  /** Set for lists two references away. */
  through: { entity: string; field: string } | null;
  label: Label;
  total: number;
  items: RecordJson[];
}

/**
 * A record: header, the form in view or edit mode (rendered from form metadata by the form engine),
 * related lists and the activity timeline; also the create page when there is no id.
 */
export default function RecordPage({
  app,
  entity: entityKey,
  id,
  search,
}: {
  app: string;
  entity: string;
  id?: string;
  search: URLSearchParams;
}) {
  const { t, label, locale } = useI18n();
  const [doc, setDoc] = useState<AppDocument | null>(null);
  const [record, setRecord] = useState<RecordJson | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [editing, setEditing] = useState(!id || search.get('edit') === '1');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState<number | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [related, setRelated] = useState<RelatedRecords[]>([]);
  const [userId, setUserId] = useState<string | undefined>(undefined);
  const form = useForm<Values>({ defaultValues: {} });
  const values = form.watch();

  const entity: Entity | undefined = doc ? entityByKey(doc, entityKey) : undefined;
  const engine: FormEngine | null = useMemo(() => {
    if (!doc || !entity) return null;
    return createFormEngine(doc, formFor(doc, entity.key, 'full'), {
      now: new Date(),
      locale,
      ...(userId ? { user: { id: userId } } : {}),
    });
  }, [doc, entity, locale, userId]);

  useEffect(() => {
    void appDocument(app).then(setDoc);
    void loadMe().then((me) => setUserId(me?.user.id));
  }, [app]);

  const loadRecord = useCallback(async () => {
    if (!id || !entity || !engine) return null;
    try {
      const expand = entity.fields.filter((f) => f.type === 'reference').map((f) => f.key);
      const page = await listRecords(app, entityKey, {
        filter: { '==': [{ var: 'id' }, id] },
        limit: 1,
        expand,
      });
      const full = await api<RecordJson>('GET', `${recordsUrl(app, entityKey)}/${id}`);
      const merged: RecordJson = { ...full, _expand: page.items[0]?._expand ?? {} };
      await loadLabels(entity.fields, [merged]);
      setRecord(merged);
      const items = await api<{ items: HistoryItem[] }>('GET', `${recordsUrl(app, entityKey)}/${id}/history`);
      setHistory(items.items);
      const lists = await api<{ items: RelatedRecords[] }>(
        'GET',
        `${recordsUrl(app, entityKey)}/${id}/related?limit=10`,
      ).catch(() => ({ items: [] }));
      // Direct lists stay visible when empty: their "new" button adds the first related record.
      setRelated(lists.items.filter((list) => list.total > 0 || !list.through));
      return merged;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setNotFound(true);
      return null;
    }
  }, [id, entity, engine, app, entityKey]);

  // Initial values: the stored record, or a new one with defaults and prefill from the URL (e.g. a kanban move).
  useEffect(() => {
    if (!engine || !entity) return;
    const prefill: Values = {};
    for (const field of entity.fields) {
      const raw = search.get(field.key);
      if (raw !== null) prefill[field.key] = raw === '' ? null : raw;
    }
    if (!id) {
      form.reset(engine.initialValues(null, prefill));
      return;
    }
    void loadRecord().then((stored) => {
      if (stored) form.reset({ ...engine.initialValues(stored), ...prefill });
    });
  }, [engine, entity, id, search, loadRecord, form]);

  const evaluation = useMemo(
    () => (engine ? engine.evaluate(values, { previous: record }) : null),
    [engine, values, record],
  );

  /** Loads a referenced record, for data linkage (choosing a customer fills its contact, region …). */
  const referenced = useCallback(
    async (fieldKey: string, value: unknown, entityOf: Entity): Promise<Record<string, unknown> | null> => {
      const field = entityOf.fields.find((f) => f.key === fieldKey);
      const target =
        field?.type === 'reference' ? doc?.entities.find((e) => e.id === field.target) : undefined;
      if (!target || typeof value !== 'string') return null;
      return api<Record<string, unknown>>('GET', `${recordsUrl(app, target.key)}/${value}`).catch(() => null);
    },
    [doc, app],
  );

  if (notFound) return <p className="error">{t('record.notFound')}</p>;
  if (!doc || !entity || !engine || !evaluation || (id && !record))
    return <p className="loading">{t('app.loading')}</p>;

  const title = id ? recordTitle(doc, entity, record) : t('record.newTitle', { entity: label(entity.label) });

  async function save(merge = false) {
    if (!engine || !entity) return;
    const mode = id ? 'update' : 'create';
    const current = evaluation!.values;
    const issues = engine.validate(current, { mode, previous: record });
    if (issues.length > 0) {
      setErrors(Object.fromEntries(issues.map((i) => [i.path, i.message])));
      setMessage(t('record.fixErrors'));
      return;
    }
    const body = engine.payload(current, { mode, previous: record });
    try {
      if (!id) {
        const created = await api<RecordJson>('POST', recordsUrl(app, entityKey), body);
        setMessage(t('record.created'));
        // A related record added from another record's page goes back to that record.
        const back = search.get(BACK_PARAM);
        navigate(
          back && /^\/apps\/[\w-]+\/[\w-]+\/[0-9a-f-]{36}$/.test(back)
            ? back
            : `/apps/${app}/${entityKey}/${created.id}`,
        );
        return;
      }
      const version = merge && conflict !== null ? conflict : record!.version;
      await api<RecordJson>('PATCH', `${recordsUrl(app, entityKey)}/${id}`, { ...body, version });
      setConflict(null);
      setErrors({});
      setEditing(false);
      setMessage(t('record.saved'));
      const stored = await loadRecord();
      if (stored) form.reset(engine.initialValues(stored));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'VERSION_CONFLICT') {
        setConflict(Number(error.body.currentVersion));
      } else if (error instanceof ApiError && error.details.length > 0) {
        setErrors(Object.fromEntries(error.details.map((d) => [d.path, d.message])));
        setMessage(error.status === 403 ? t('error.forbidden') : t('record.fixErrors'));
      } else setMessage(error instanceof ApiError ? error.message : t('app.error'));
    }
  }

  return (
    <article className="record" aria-labelledby="record-title">
      <header className="record-header">
        <h1 id="record-title">{title}</h1>
        {!editing && id && (
          <button type="button" className="primary" onClick={() => setEditing(true)} data-testid="edit">
            {t('record.edit')}
          </button>
        )}
        {editing && (
          <>
            <button type="button" className="primary" onClick={() => void save()} data-testid="save">
              {t('record.save')}
            </button>
            <button
              type="button"
              onClick={() => {
                if (!id) navigate(`/apps/${app}/${entityKey}`);
                else {
                  setEditing(false);
                  setErrors({});
                  form.reset(engine.initialValues(record));
                }
              }}
            >
              {t('record.cancel')}
            </button>
          </>
        )}
      </header>
      <p role="status" aria-live="polite" className="status" data-testid="record-status">
        {message}
      </p>
      {conflict !== null && (
        <div className="conflict" role="alert">
          <p>{t('record.conflict', { version: conflict })}</p>
          <button
            type="button"
            onClick={() => {
              setConflict(null);
              void loadRecord().then((stored) => stored && form.reset(engine.initialValues(stored)));
            }}
          >
            {t('record.reload')}
          </button>
          <button type="button" onClick={() => void save(true)}>
            {t('record.merge')}
          </button>
        </div>
      )}
      {id && record && !editing && <ConvertActions app={app} doc={doc} entity={entity} recordId={id} />}
      {id && record && entity.scoring && (
        <ScorePanel app={app} entity={entity} recordId={id} version={record.version} />
      )}
      {id && record && (entity.duplicateRules ?? []).length > 0 && (
        <DuplicatesPanel
          app={app}
          doc={doc}
          entity={entity}
          recordId={id}
          onMerged={() => {
            setMessage(t('record.saved'));
            void loadRecord().then((stored) => stored && form.reset(engine.initialValues(stored)));
          }}
        />
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <FormView
          engine={engine}
          doc={doc}
          app={app}
          entity={entity}
          evaluation={evaluation}
          editing={editing}
          errors={errors}
          {...(record?._expand ? { expanded: record._expand } : {})}
          onChange={(key, value) => {
            form.setValue(key, value, { shouldDirty: true });
            if (errors[`/${key}`])
              setErrors(Object.fromEntries(Object.entries(errors).filter(([p]) => p !== `/${key}`)));
            if (entity.fields.find((f) => f.key === key)?.type === 'reference') {
              void referenced(key, value, entity).then((target) => {
                const patch = engine.dataLinkage(key, target, { current: form.getValues() });
                for (const [k, v] of Object.entries(patch)) form.setValue(k, v, { shouldDirty: true });
              });
            }
          }}
          onRowReference={(subKey, index, fieldKey, value, rows) => {
            const sub = entity.fields.find((f) => f.key === subKey);
            const child =
              sub?.type === 'subTable' ? doc.entities.find((e) => e.id === sub.childEntity) : undefined;
            if (!child) return;
            void referenced(fieldKey, value, child).then((target) => {
              const patch = engine.dataLinkage(fieldKey, target, {
                subTable: subKey,
                current: rows[index] ?? {},
              });
              if (Object.keys(patch).length === 0) return;
              const latest = (form.getValues(subKey) as Array<Record<string, unknown>> | undefined) ?? rows;
              form.setValue(
                subKey,
                latest.map((r, i) => (i === index ? { ...r, ...patch } : r)),
                { shouldDirty: true },
              );
            });
          }}
        />
      </form>
      {id && related.length > 0 && (
        <section aria-labelledby="related-title">
          <h2 id="related-title">{t('record.related')}</h2>
          {related.map((list) => (
            <RelatedList key={list.key} app={app} doc={doc} list={list} recordId={id} />
          ))}
        </section>
      )}
      {id && (
        <section aria-labelledby="timeline-title">
          <h2 id="timeline-title">{t('record.timeline')}</h2>
          <ol className="timeline" data-testid="timeline">
            {[...history].reverse().map((item) => (
              <li key={item.id}>
                <time dateTime={item.at}>{item.at.slice(0, 16).replace('T', ' ')}</time>{' '}
                {t(`record.history.${item.action}` as MessageKey)}
                {item.action === 'merged' && item.merge && (
                  <>
                    {' '}
                    <a
                      href={`/apps/${app}/${entityKey}/${item.merge.survivor}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/apps/${app}/${entityKey}/${item.merge!.survivor}`);
                      }}
                    >
                      {t('record.history.mergedInto')}
                    </a>
                  </>
                )}
                {item.source?.kind === 'capture' && (
                  <span data-testid="history-source">
                    {' '}
                    {t('record.history.via')}{' '}
                    {label(doc.captureHooks?.find((h) => h.id === item.source?.hook)?.label) ||
                      item.source.hook}{' '}
                    ({item.source.channel})
                  </span>
                )}
                {Object.keys(item.changes).length > 0 && (
                  <span className="muted">
                    {' '}
                    ·{' '}
                    {Object.keys(item.changes)
                      .map((key) => label(entity.fields.find((f) => f.key === key)?.label) || key)
                      .join(', ')}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </article>
  );
}

/** The search parameter of a create page naming the page to return to after saving. */
const BACK_PARAM = '_back';

function RelatedList({
  app,
  doc,
  list,
  recordId,
}: {
  app: string;
  doc: AppDocument;
  list: RelatedRecords;
  recordId: string;
}) {
  const { t, label } = useI18n();
  const entity = entityByKey(doc, list.entity);
  if (!entity) return null;
  const entityLabel = label(entity.label);
  return (
    <div className="related" data-testid={`related-${list.key}`}>
      <h3>
        {label(list.label)} <span className="muted">({list.total})</span>
        {!list.through && entity.kind !== 'child' && (
          <button
            type="button"
            className="link"
            data-testid={`related-new-${list.key}`}
            onClick={() => {
              const params = new URLSearchParams({
                [list.field]: recordId,
                [BACK_PARAM]: window.location.pathname,
              });
              navigate(`/apps/${app}/${entity.key}/new`, `?${params.toString()}`);
            }}
          >
            {t('related.new', { entity: entityLabel })}
          </button>
        )}
      </h3>
      <ul>
        {list.items.map((item) => (
          <li key={item.id}>
            <a
              href={`/apps/${app}/${entity.key}/${item.id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/apps/${app}/${entity.key}/${item.id}`);
              }}
            >
              {recordTitle(doc, entity, item)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
