import type { AppDocument, Conversion, Entity } from '@dougong/schema';
import { useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import { recordTitle } from '../lib/fields';
import type { RecordJson } from '../lib/records';

/** What `POST …/convert/{id}` answers (a dry run or the real thing). */
interface ConversionResult {
  dryRun: boolean;
  targets: Record<
    string,
    { entity: string; id: string; matched: boolean; created: boolean; record?: RecordJson | null }
  >;
  relinked?: Record<string, number>;
}

const entityOf = (doc: AppDocument, idOrKey: string) =>
  doc.entities.find((e) => e.id === idOrKey) ?? doc.entities.find((e) => e.key === idOrKey);

/**
 * One button per conversion the entity declares. A click runs the conversion as a dry run and shows
 * what it would create or match; confirming converts and opens the last record it created.
 */
export function ConvertActions({
  app,
  doc,
  entity,
  recordId,
}: {
  app: string;
  doc: AppDocument;
  entity: Entity;
  recordId: string;
}) {
  const { t, label } = useI18n();
  const [open, setOpen] = useState<{ conversion: Conversion; preview: ConversionResult } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const conversions = entity.conversions ?? [];
  if (conversions.length === 0) return null;
  const url = (conversion: Conversion) =>
    `/api/apps/${app}/entities/${entity.key}/records/${recordId}/convert/${conversion.id}`;

  const failure = (e: unknown) =>
    e instanceof ApiError
      ? e.status === 422
        ? t('convert.refused', { message: e.details[0]?.message ?? e.message })
        : e.status === 403
          ? t('error.forbidden')
          : e.message
      : t('app.error');

  async function preview(conversion: Conversion) {
    setError(null);
    setBusy(true);
    try {
      const result = await api<ConversionResult>('POST', url(conversion), { dryRun: true });
      setOpen({ conversion, preview: result });
    } catch (e) {
      setOpen(null);
      setError(failure(e));
    } finally {
      setBusy(false);
    }
  }

  async function convert(conversion: Conversion) {
    setBusy(true);
    try {
      const result = await api<ConversionResult>('POST', url(conversion), {});
      // Open the last record the conversion created (the deal of a lead), else the last one it found.
      const ordered = conversion.targets.map((target) => result.targets[target.id]).filter((x) => x?.id);
      const next = [...ordered].reverse().find((x) => x?.created) ?? ordered[ordered.length - 1];
      const target = next ? entityOf(doc, next.entity) : undefined;
      setOpen(null);
      if (next && target) navigate(`/apps/${app}/${target.key}/${next.id}`);
    } catch (e) {
      setError(failure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="record-actions">
        {conversions.map((conversion) => (
          <button
            key={conversion.id}
            type="button"
            disabled={busy}
            onClick={() => void preview(conversion)}
            data-testid={`convert-${conversion.id}`}
          >
            {label(conversion.label)}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="error" data-testid="convert-error">
          {error}
        </p>
      )}
      {open && (
        <section
          className="dialog"
          role="dialog"
          aria-modal="false"
          aria-labelledby="convert-title"
          data-testid="convert-preview"
        >
          <h2 id="convert-title">
            {t('convert.preview')} · {label(open.conversion.label)}
          </h2>
          <ul>
            {open.conversion.targets.map((target) => {
              const outcome = open.preview.targets[target.id];
              const targetEntity = entityOf(doc, target.entity);
              if (!outcome || !targetEntity) return null;
              const params = {
                entity: label(target.label ?? targetEntity.label),
                title: recordTitle(doc, targetEntity, outcome.record ?? null),
              };
              return (
                <li key={target.id} data-testid={`convert-target-${target.id}`}>
                  {outcome.matched ? t('convert.matches', params) : t('convert.creates', params)}
                </li>
              );
            })}
            {Object.entries(open.preview.relinked ?? {})
              .filter(([, count]) => count > 0)
              .map(([key, count]) => (
                <li key={key}>
                  {t('convert.relinks', {
                    count,
                    entity: label(entityOf(doc, key)?.pluralLabel ?? entityOf(doc, key)?.label) || key,
                  })}
                </li>
              ))}
          </ul>
          <div className="record-actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void convert(open.conversion)}
              data-testid="convert-confirm"
            >
              {t('convert.confirm')}
            </button>
            <button type="button" onClick={() => setOpen(null)}>
              {t('record.cancel')}
            </button>
          </div>
        </section>
      )}
    </>
  );
}

/** What `GET …/records/{id}/score` answers. */
interface ScoreJson {
  total: number;
  grade: string | null;
  summary: string;
  breakdown: Array<{ conditionId: string; kind: string; matched: boolean; events?: number; points: number }>;
}

/** The live score of a record of an entity with `scoring`: total, grade and the points per condition. */
export function ScorePanel({
  app,
  entity,
  recordId,
  version,
}: {
  app: string;
  entity: Entity;
  recordId: string;
  version: number;
}) {
  const { t, label } = useI18n();
  const [score, setScore] = useState<ScoreJson | null>(null);
  const model = entity.scoring?.model;
  useEffect(() => {
    if (!model) return;
    // The version is a dependency: the score follows every save.
    void version;
    api<ScoreJson>('GET', `/api/apps/${app}/entities/${entity.key}/records/${recordId}/score`).then(
      setScore,
      () => setScore(null),
    );
  }, [app, entity.key, recordId, model, version]);
  if (!model || !score) return null;
  const conditionLabel = (id: string) =>
    label([...model.attributes, ...model.behaviours].find((c) => c.id === id)?.label) || id;
  return (
    <section className="score-panel" aria-labelledby="score-title" data-testid="score-panel">
      <h2 id="score-title">{t('score.title')}</h2>
      <p>
        <strong data-testid="score-total">
          {t('score.total', { total: Math.round(score.total * 100) / 100 })}
        </strong>
        {score.grade && <> · {t('score.grade', { grade: score.grade })}</>}
      </p>
      <ul>
        {score.breakdown
          .filter((item) => item.matched && item.points !== 0)
          .map((item) => (
            <li key={item.conditionId}>
              {conditionLabel(item.conditionId)}
              {item.events ? ` ×${item.events}` : ''} {item.points > 0 ? '+' : ''}
              {Math.round(item.points * 100) / 100}
            </li>
          ))}
      </ul>
    </section>
  );
}
