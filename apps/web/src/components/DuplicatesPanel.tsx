import type { AppDocument, Entity, Label } from '@dougong/schema';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { displayValue, recordTitle } from '../lib/fields';
import type { RecordJson } from '../lib/records';

/** An open duplicate link, as `GET …/duplicates` lists it. */
interface DuplicateLink {
  id: string;
  rule: { id: string; label?: Label } | null;
  recordId: string;
  duplicateOfId: string;
  record: RecordJson;
  duplicateOf: RecordJson;
}

/** What `GET …/records/{id}/merge-preview?with=` answers. */
interface MergePreview {
  survivor: RecordJson;
  other: RecordJson;
  fields: Array<{
    field: string;
    label: Label;
    survivor: unknown;
    other: unknown;
    source: 'survivor' | 'other';
    differs: boolean;
    writable: boolean;
  }>;
  references: Array<{ entity: string; field: string; count: number }>;
  allowed: boolean;
}

/**
 * The open duplicate links of a record of an entity with duplicate rules: each suspected duplicate with
 * "not a duplicate" and "merge into this record", the merge choosing field by field which value to keep.
 */
export function DuplicatesPanel({
  app,
  doc,
  entity,
  recordId,
  onMerged,
}: {
  app: string;
  doc: AppDocument;
  entity: Entity;
  recordId: string;
  onMerged(): void;
}) {
  const { t, label } = useI18n();
  const [links, setLinks] = useState<DuplicateLink[]>([]);
  const [merging, setMerging] = useState<{ link: DuplicateLink; preview: MergePreview } | null>(null);
  const [choices, setChoices] = useState<Record<string, 'survivor' | 'other'>>({});
  const [error, setError] = useState<string | null>(null);
  const base = `/api/apps/${app}/entities/${entity.key}`;
  const hasRules = (entity.duplicateRules ?? []).length > 0;

  const load = useCallback(() => {
    if (!hasRules) return;
    api<{ items: DuplicateLink[] }>('GET', `${base}/duplicates?status=open&record=${recordId}`).then(
      (page) => setLinks(page.items),
      () => setLinks([]),
    );
  }, [base, recordId, hasRules]);
  useEffect(load, [load]);

  if (links.length === 0) return null;
  const shownValue = (key: string, value: unknown) => {
    const field = entity.fields.find((f) => f.key === key);
    if (field) return displayValue(field, value, { label, t, doc });
    return value === null || value === undefined ? '—' : JSON.stringify(value);
  };
  const otherOf = (link: DuplicateLink) => (link.recordId === recordId ? link.duplicateOf : link.record);
  const failure = (e: unknown) =>
    e instanceof ApiError ? (e.status === 403 ? t('error.forbidden') : e.message) : t('app.error');

  async function startMerge(link: DuplicateLink) {
    setError(null);
    try {
      const preview = await api<MergePreview>(
        'GET',
        `${base}/records/${recordId}/merge-preview?with=${otherOf(link).id}`,
      );
      setChoices(Object.fromEntries(preview.fields.map((f) => [f.field, f.source])));
      setMerging({ link, preview });
    } catch (e) {
      setError(failure(e));
    }
  }

  async function merge() {
    if (!merging) return;
    const { preview } = merging;
    try {
      await api('POST', `${base}/records/${recordId}/merge`, {
        with: preview.other.id,
        version: preview.survivor.version,
        otherVersion: preview.other.version,
        values: Object.fromEntries(
          preview.fields.filter((f) => f.differs && f.writable).map((f) => [f.field, choices[f.field]]),
        ),
      });
      setMerging(null);
      load();
      onMerged();
    } catch (e) {
      setError(failure(e));
    }
  }

  async function dismiss(link: DuplicateLink) {
    setError(null);
    try {
      await api('POST', `${base}/duplicates/${link.id}/dismiss`, {});
      load();
    } catch (e) {
      setError(failure(e));
    }
  }

  return (
    <section className="score-panel" aria-labelledby="duplicates-title" data-testid="duplicates-panel">
      <h2 id="duplicates-title">{t('duplicates.title')}</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul>
        {links.map((link) => (
          <li key={link.id} data-testid={`duplicate-${link.id}`}>
            {recordTitle(doc, entity, otherOf(link))}
            {link.rule?.label ? <span className="muted"> · {label(link.rule.label)}</span> : null}{' '}
            <button type="button" className="link" onClick={() => void startMerge(link)}>
              {t('duplicates.merge')}
            </button>{' '}
            <button type="button" className="link" onClick={() => void dismiss(link)}>
              {t('duplicates.dismiss')}
            </button>
          </li>
        ))}
      </ul>
      {merging && (
        <div className="dialog" role="dialog" aria-labelledby="merge-title" data-testid="merge-dialog">
          <h3 id="merge-title">
            {t('duplicates.mergeTitle', { title: recordTitle(doc, entity, merging.preview.other) })}
          </h3>
          {merging.preview.fields
            .filter((f) => f.differs && f.writable)
            .map((f) => (
              <fieldset key={f.field}>
                <legend>{label(f.label)}</legend>
                {(['survivor', 'other'] as const).map((side) => (
                  <label key={side}>
                    <input
                      type="radio"
                      name={`merge-${f.field}`}
                      checked={choices[f.field] === side}
                      onChange={() => setChoices({ ...choices, [f.field]: side })}
                    />{' '}
                    {shownValue(f.field, f[side])}
                  </label>
                ))}
              </fieldset>
            ))}
          {merging.preview.references
            .filter((r) => r.count > 0)
            .map((r) => (
              <p key={`${r.entity}.${r.field}`} className="muted">
                {t('duplicates.moves', {
                  count: r.count,
                  entity:
                    label(doc.entities.find((e) => e.id === r.entity || e.key === r.entity)?.label) ||
                    r.entity,
                })}
              </p>
            ))}
          <div className="record-actions">
            <button
              type="button"
              className="primary"
              disabled={!merging.preview.allowed}
              onClick={() => void merge()}
              data-testid="merge-confirm"
            >
              {t('duplicates.confirm')}
            </button>
            <button type="button" onClick={() => setMerging(null)}>
              {t('record.cancel')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
