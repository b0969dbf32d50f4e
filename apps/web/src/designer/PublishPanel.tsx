import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';
import {
  blockedPlan,
  listVersions,
  type PlanView,
  planDraft,
  publishDraft,
  rollbackTo,
  type VersionView,
} from './designer-api';
import { useDesignerText } from './designer-i18n';
import { PlanSteps } from './PlanSteps';

/**
 * Publishing: the plan preview (new tables and columns, conversions with failing records, archived fields
 * and what still uses them), publish with a summary, and the version history.
 */
export function PublishPanel({
  app,
  revision,
  dirty,
  onPublished,
  onRolledBack,
  children,
}: {
  app: string;
  /** The saved draft revision the plan is for. */
  revision: number;
  /** Unsaved edits exist: publishing waits until they are saved. */
  dirty: boolean;
  onPublished(version: number): void;
  /** A rollback replaced the draft (the editor reloads it). */
  onRolledBack?(version: number): void;
  /** Extra blocks under the history (diff, rollback, export / import). */
  children?: React.ReactNode;
}) {
  const dt = useDesignerText();
  const { locale } = useI18n();
  const [plan, setPlan] = useState<PlanView | null>(null);
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [versions, setVersions] = useState<VersionView[]>([]);

  const refreshVersions = useCallback(async () => setVersions(await listVersions(app)), [app]);
  useEffect(() => {
    void refreshVersions();
  }, [refreshVersions]);

  const preview = async () => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      setPlan(await planDraft(app));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await publishDraft(app, revision, summary);
      setPlan(null);
      setSummary('');
      setMessage(dt('publish.published', { version: result.version }));
      await refreshVersions();
      onPublished(result.version);
    } catch (e) {
      const blocked = blockedPlan(e);
      if (blocked) setPlan(blocked);
      else setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };

  const rollback = async (version: number) => {
    if (!window.confirm(dt('publish.rollbackConfirm', { version }))) return;
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const result = await rollbackTo(app, version, revision);
      setPlan(null);
      setMessage(dt('publish.rolledBack', { version: result.version }));
      await refreshVersions();
      onRolledBack?.(result.version);
    } catch (e) {
      const blocked = blockedPlan(e);
      if (blocked) setPlan(blocked);
      else setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };

  const text = (t: { 'zh-CN': string; en: string } | string | undefined) =>
    t === undefined ? '' : typeof t === 'string' ? t : t[locale];

  return (
    <section className="designer-publish" data-testid="publish-panel">
      <div className="toolbar">
        <button type="button" onClick={preview} disabled={busy || dirty} data-testid="publish-preview">
          {dt('publish.preview')}
        </button>
      </div>
      {message && (
        <p className="notice" role="status" data-testid="publish-message">
          {message}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {plan && (
        <div className="plan" data-testid="publish-plan">
          <h3>{dt('publish.planTitle', { from: plan.plan.fromVersion, to: plan.plan.toVersion })}</h3>
          {plan.plan.steps.length === 0 && <p>{dt('publish.noChanges')}</p>}
          <PlanSteps plan={plan} />
          {plan.usages && plan.usages.length > 0 && (
            <div className="usages" data-testid="plan-usages">
              <h4>{dt('publish.usages')}</h4>
              <ul>
                {plan.usages.map((u, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: usages are listed in the server's order
                  <li key={i} className={u.blocking ? 'blocking' : undefined}>
                    <code>{u.path}</code> {text(u.message as never)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {plan.blocked ? (
            <p className="error" role="alert" data-testid="publish-blocked">
              {dt('publish.blocked')}
            </p>
          ) : (
            plan.plan.steps.length >= 0 && (
              <div className="publish-form">
                <label>
                  {dt('publish.summary')}
                  <input value={summary} onChange={(e) => setSummary(e.target.value)} maxLength={2000} />
                </label>
                <button
                  type="button"
                  className="primary"
                  onClick={publish}
                  disabled={busy || dirty}
                  data-testid="publish-confirm"
                >
                  {dt('publish.publish')}
                </button>
              </div>
            )
          )}
        </div>
      )}
      <h3>{dt('publish.versions')}</h3>
      <table className="versions" data-testid="versions">
        <thead>
          <tr>
            <th>{dt('publish.version')}</th>
            <th>{dt('publish.at')}</th>
            <th>{dt('publish.by')}</th>
            <th>{dt('publish.changes')}</th>
            <th>
              <span className="sr-only">{dt('publish.rollback')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <td>v{v.version}</td>
              <td>{new Date(v.publishedAt).toLocaleString(locale)}</td>
              <td>{v.publishedBy ?? '—'}</td>
              <td>
                {v.summary ?? ''} <small>{dt('publish.steps', { count: v.steps })}</small>
              </td>
              <td>
                {v.version !== versions[0]?.version && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => void rollback(v.version)}
                    disabled={busy || dirty}
                    data-testid={`rollback-${v.version}`}
                  >
                    {dt('publish.rollback')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {children}
    </section>
  );
}
