import type { DocumentDiff } from '@dougong/schema';
import { useState } from 'react';
import { ApiError, api, query } from '../api/client';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import type { PlanView } from './designer-api';
import { useDesignerText } from './designer-i18n';

type DiffAnswer = Omit<DocumentDiff, 'summary'> & { summary: { en: string; 'zh-CN': string } };

/**
 * Version tools under the history: compare any two versions (or a version and the draft), export the app as
 * one JSON document, and import one with the planner's preview before anything is written.
 */
export function VersionTools({ app, latest }: { app: string; latest: number }) {
  const dt = useDesignerText();
  const { locale, label } = useI18n();
  const [from, setFrom] = useState(String(Math.max(0, latest - 1)));
  const [to, setTo] = useState('draft');
  const [diff, setDiff] = useState<DiffAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState<{ body: Record<string, unknown>; preview: PlanView } | null>(
    null,
  );
  const [importKey, setImportKey] = useState('');

  const compare = async () => {
    setError(null);
    try {
      setDiff(await api<DiffAnswer>('GET', `/api/apps/${app}/diff${query({ from, to })}`));
    } catch (e) {
      setError(e instanceof ApiError ? `${e.details[0]?.path ?? ''} ${e.message}` : String(e));
    }
  };

  const pickFile = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const body = JSON.parse(await file.text()) as Record<string, unknown>;
      const withKey = importKey ? { ...body, key: importKey } : body;
      const preview = await api<PlanView>('POST', '/api/apps/import?dryRun=true', withKey);
      setImporting({ body: withKey, preview });
    } catch (e) {
      setError(
        e instanceof ApiError
          ? `${e.message} ${e.details.map((d) => `${d.path}: ${d.message}`).join('; ')}`
          : String(e),
      );
    }
  };

  const applyImport = async () => {
    if (!importing) return;
    try {
      const result = await api<{ key: string; version: number }>('POST', '/api/apps/import', importing.body);
      setImporting(null);
      navigate(`/design/${result.key}/publish`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const versionChoices = ['draft', 'published', ...Array.from({ length: latest + 1 }, (_, i) => String(i))];
  return (
    <div className="version-tools">
      <h3>{dt('publish.diff')}</h3>
      <div className="toolbar">
        <select
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          aria-label="from"
          data-testid="diff-from"
        >
          {versionChoices.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        →
        <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="to" data-testid="diff-to">
          {versionChoices.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <button type="button" onClick={compare} data-testid="diff-run">
          {dt('publish.diff')}
        </button>
      </div>
      {diff && (
        <div className="diff" data-testid="diff">
          <p>{diff.summary[locale]}</p>
          <ul>
            {diff.changes.map((c) => (
              <li key={`${c.kind}/${c.entityId ?? ''}/${c.id}/${c.op}`} className={`diff-${c.op}`}>
                <strong>
                  {c.op === 'added'
                    ? dt('publish.added')
                    : c.op === 'removed'
                      ? dt('publish.removed')
                      : dt('publish.changed')}
                </strong>{' '}
                {c.kind} {c.label ? label(c.label) : c.id}
                {c.changes && c.changes.length > 0 && (
                  <ul>
                    {c.changes.map((p) => (
                      <li key={`${p.op}${p.path}`}>
                        <code>{p.path}</code>: {JSON.stringify(p.before) ?? '∅'} →{' '}
                        {JSON.stringify(p.after) ?? '∅'}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>
        {dt('publish.export')} / {dt('publish.import')}
      </h3>
      <div className="toolbar">
        <a className="button" href={`/api/apps/${app}/export`} download data-testid="export-app">
          {dt('publish.export')}
        </a>
        <label>
          {dt('designer.appKey')}
          <input value={importKey} onChange={(e) => setImportKey(e.target.value.trim())} />
        </label>
        <label className="button">
          {dt('publish.import')}
          <input
            type="file"
            accept="application/json,.json"
            hidden
            onChange={(e) => void pickFile(e.target.files?.[0])}
            data-testid="import-file"
          />
        </label>
      </div>
      {importing && (
        <div className="plan" data-testid="import-preview">
          <h4>{dt('publish.importPreview')}</h4>
          <ol>
            {importing.preview.plan.steps.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: plan steps are positional
              <li key={i}>{s.text[locale]}</li>
            ))}
          </ol>
          {importing.preview.blocked ? (
            <p className="error" role="alert">
              {dt('publish.blocked')}
            </p>
          ) : (
            <button type="button" className="primary" onClick={applyImport} data-testid="import-apply">
              {dt('publish.import')}
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
