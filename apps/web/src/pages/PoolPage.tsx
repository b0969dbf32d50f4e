import type { AppDocument, Entity, Field } from '@dougong/schema';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, query } from '../api/client';
import { appDocument } from '../api/session';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import { displayValue, recordTitle } from '../lib/fields';
import {
  defaultColumns,
  entityByKey,
  loadLabels,
  type Page,
  type RecordJson,
  recordsUrl,
} from '../lib/records';

/** A page of the pool, with the caller's claims of the day. */
interface PoolPageJson extends Page {
  claimsToday: number;
  claimLimitPerDay: number | null;
}

/**
 * The pool (公海) of an entity that declares `pool`: records without an owner the user may claim, one
 * claim button each, and the user's claims today against the daily limit.
 */
export default function PoolPage({ app, entity: entityKey }: { app: string; entity: string }) {
  const { t, label } = useI18n();
  const [doc, setDoc] = useState<AppDocument | null>(null);
  const [pool, setPool] = useState<PoolPageJson | null>(null);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [error, setError] = useState<string | null>(null);
  const [claimed, setClaimed] = useState<{ id: string; title: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const entity: Entity | undefined = doc ? entityByKey(doc, entityKey) : undefined;
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    appDocument(app).then(setDoc, () => setError(t('app.error')));
  }, [app, t]);

  const columns = useMemo(
    () =>
      entity
        ? defaultColumns(entity)
            .map((key) => entity.fields.find((f) => f.key === key))
            .filter((f): f is Field => Boolean(f))
            .slice(0, 4)
        : [],
    [entity],
  );

  const load = useCallback(async () => {
    if (!entity) return;
    try {
      const page = await api<PoolPageJson>(
        'GET',
        `/api/apps/${app}/entities/${entityKey}/pool${query({ limit: 20, cursor })}`,
      );
      await loadLabels(entity.fields, page.items);
      setPool(page);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 403 ? t('error.forbidden') : t('app.error'));
    }
  }, [entity, app, entityKey, cursor, t]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!doc || !entity) return <p className="loading">{error ?? t('app.loading')}</p>;
  const ctx = { label, t, doc };

  async function claim(record: RecordJson) {
    if (!entity || !doc) return;
    setBusy(record.id);
    setError(null);
    setClaimed(null);
    try {
      const result = await api<{ record: RecordJson; claimsToday: number; claimLimitPerDay: number | null }>(
        'POST',
        `${recordsUrl(app, entityKey)}/${record.id}/claim`,
        {},
      );
      setClaimed({ id: record.id, title: recordTitle(doc, entity, result.record) });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setError(t('pool.taken'));
      else if (e instanceof ApiError && e.status === 429)
        setError(t('pool.limit', { limit: String(e.body.claimLimitPerDay ?? pool?.claimLimitPerDay ?? '') }));
      else setError(e instanceof ApiError ? e.message : t('app.error'));
    } finally {
      setBusy(null);
      await load();
    }
  }

  return (
    <section className="page" aria-labelledby="pool-title">
      <div className="page-header">
        <h1 id="pool-title">{t('pool.title', { entity: label(entity.label) })}</h1>
        <div className="toolbar">
          <button type="button" onClick={() => navigate(`/apps/${app}/${entityKey}`)}>
            {t('list.table')}
          </button>
        </div>
      </div>
      {pool && (
        <p className="muted" data-testid="pool-today">
          {pool.claimLimitPerDay
            ? t('pool.today', { count: pool.claimsToday, limit: pool.claimLimitPerDay })
            : t('pool.todayUnlimited', { count: pool.claimsToday })}
        </p>
      )}
      {claimed && (
        <p role="status" className="notice" data-testid="pool-claimed">
          {t('pool.claimed', { title: claimed.title })}{' '}
          <button
            type="button"
            className="link"
            onClick={() => navigate(`/apps/${app}/${entityKey}/${claimed.id}`)}
            data-testid="pool-open-claimed"
          >
            {t('pool.open')}
          </button>
        </p>
      )}
      {error && (
        <p role="alert" className="error" data-testid="pool-error">
          {error}
        </p>
      )}
      {!pool ? (
        <p className="loading">{t('app.loading')}</p>
      ) : pool.items.length === 0 ? (
        <p className="empty">{t('pool.empty')}</p>
      ) : (
        <ul className="pool-list" data-testid="pool-list">
          {pool.items.map((record) => {
            const title = recordTitle(doc, entity, record);
            return (
              <li key={record.id} className="pool-item" data-testid={`pool-${record.id}`}>
                <div>
                  <strong>{title}</strong>
                  <dl>
                    {columns.slice(1).map((f) => (
                      <div key={f.id}>
                        <dt>{label(f.label)}</dt>
                        <dd>{displayValue(f, record[f.key], { ...ctx, expanded: record._expand ?? {} })}</dd>
                      </div>
                    ))}
                  </dl>
                </div>
                <button
                  type="button"
                  className="primary"
                  disabled={busy !== null}
                  aria-label={`${t('pool.claim')} ${title}`}
                  onClick={() => void claim(record)}
                >
                  {t('pool.claim')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {pool && (cursors.length > 1 || pool.nextCursor) && (
        <div className="pager">
          <button
            type="button"
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            {t('list.previous')}
          </button>
          <button
            type="button"
            disabled={!pool.nextCursor}
            onClick={() => setCursors([...cursors, pool.nextCursor])}
          >
            {t('list.next')}
          </button>
        </div>
      )}
    </section>
  );
}
