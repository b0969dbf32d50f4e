import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import { APP_KEY, type PlanView } from './designer-api';
import { type DesignerMessageKey, useDesignerText } from './designer-i18n';
import { PlanSteps } from './PlanSteps';

type Names = { 'zh-CN': string; en: string };

/** A bundled template as `GET /api/templates` lists it. */
interface TemplateRow {
  id: string;
  version: string;
  name: Names;
  description: Names;
  appKey: string;
  installed: Array<{ appKey: string; version: string; overlays: number | null; upgradeAvailable: boolean }>;
}

interface MergeEntry {
  path: string;
  kind: string;
}

/** What an install or upgrade did, or as a dry run would do (the fields the page shows). */
interface RunResult extends PlanView {
  appKey: string;
  template: { id: string; version: string };
  dryRun: boolean;
  version?: number;
  fromVersion?: string;
  upToDate?: boolean;
  report?: {
    template: MergeEntry[];
    customer: MergeEntry[];
    conflicts: Array<MergeEntry & { reason: string }>;
  };
  issues?: Array<{ path: string; message: string }>;
}

type Kind = 'install' | 'upgrade';

/**
 * The bundled templates on the designer's start page: each with its version, description and the apps
 * installed from it (their template version, how many changes the customer made, whether an upgrade
 * is offered); install under an app key and upgrade, each previewed first as a dry run (the migration
 * plan, the merge report with the customer's kept changes and the conflicts). Without the `publish`
 * right the list is read-only; without `editMetadata` or `publish` it is not shown.
 */
export function TemplatesPanel({
  canPublish,
  onChanged,
}: {
  canPublish: boolean;
  /** An install or upgrade went through (the apps list changed). */
  onChanged?(): void;
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const [templates, setTemplates] = useState<TemplateRow[] | null>(null);
  // The template and app a run is prepared for, its preview or result, and its app key input.
  const [target, setTarget] = useState<{ id: string; kind: Kind; appKey: string } | null>(null);
  const [result, setResult] = useState<RunResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ path: string; message: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setTemplates((await api<{ items: TemplateRow[] }>('GET', '/api/templates')).items);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setTemplates([]);
      else throw e;
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const start = (id: string, kind: Kind, appKey: string) => {
    setTarget({ id, kind, appKey });
    setResult(null);
    setError(null);
    setMessage(null);
  };

  const run = async (dryRun: boolean) => {
    if (!target) return;
    if (!APP_KEY.test(target.appKey)) {
      setError({ path: '/appKey', message: dt('designer.appKeyHint') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const done = await api<RunResult>(
        'POST',
        `/api/templates/${encodeURIComponent(target.id)}/${target.kind}${dryRun ? '?dryRun=true' : ''}`,
        { appKey: target.appKey },
      );
      if (dryRun) setResult(done);
      else {
        setResult(null);
        setTarget(null);
        setMessage(
          dt(target.kind === 'install' ? 'templates.installed' : 'templates.upgraded', {
            app: done.appKey,
            version: done.template.version,
          }),
        );
        await refresh();
        onChanged?.();
      }
    } catch (e) {
      const body = e instanceof ApiError ? (e.body as Partial<RunResult>) : {};
      // A blocked or invalid run answers with its plan and report: show them as a preview would.
      if (body.plan) setResult({ ...(body as RunResult), dryRun: true, blocked: true });
      const detail = e instanceof ApiError ? e.details[0] : undefined;
      setError(
        detail
          ? { path: detail.path, message: `${e instanceof ApiError ? e.message : ''} ${detail.message}` }
          : { path: '', message: e instanceof Error ? e.message : String(e) },
      );
    } finally {
      setBusy(false);
    }
  };

  if (templates === null || templates.length === 0) return null;
  return (
    <section className="templates" data-testid="templates">
      <h2>{dt('templates.title')}</h2>
      {message && (
        <p className="notice" role="status" data-testid="template-message">
          {message}
        </p>
      )}
      <ul className="template-cards">
        {templates.map((tpl) => (
          <li key={tpl.id} data-testid={`template-${tpl.id}`}>
            <div className="template-head">
              <strong>{label(tpl.name)}</strong> <code>{tpl.id}</code> <small>v{tpl.version}</small>
            </div>
            <p className="template-description">{label(tpl.description)}</p>
            {tpl.installed.length > 0 && (
              <table className="template-installs">
                <thead>
                  <tr>
                    <th>{dt('designer.appKey')}</th>
                    <th>{dt('templates.version')}</th>
                    <th>{dt('templates.overlays')}</th>
                    <th>
                      <span className="sr-only">{dt('templates.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tpl.installed.map((i) => (
                    <tr key={i.appKey} data-testid={`installed-${i.appKey}`}>
                      <td>
                        <a
                          href={`/design/${i.appKey}/model`}
                          onClick={(e) => {
                            e.preventDefault();
                            navigate(`/design/${i.appKey}/model`);
                          }}
                        >
                          <code>{i.appKey}</code>
                        </a>
                      </td>
                      <td>
                        v{i.version}
                        {i.upgradeAvailable && (
                          <span className="badge" data-testid="upgrade-available">
                            {' '}
                            {dt('templates.upgradeAvailable', { version: tpl.version })}
                          </span>
                        )}
                      </td>
                      <td>{i.overlays === null ? '—' : i.overlays}</td>
                      <td>
                        {canPublish && i.upgradeAvailable && (
                          <button
                            type="button"
                            onClick={() => start(tpl.id, 'upgrade', i.appKey)}
                            data-testid={`upgrade-${i.appKey}`}
                          >
                            {dt('templates.upgrade')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {canPublish && (
              <button
                type="button"
                onClick={() =>
                  start(
                    tpl.id,
                    'install',
                    tpl.installed.some((i) => i.appKey === tpl.appKey) ? '' : tpl.appKey,
                  )
                }
                data-testid={`install-${tpl.id}`}
              >
                {dt('templates.install')}
              </button>
            )}
            {target?.id === tpl.id && (
              <form
                className="template-run"
                data-testid="template-run"
                onSubmit={(e) => {
                  e.preventDefault();
                  void run(true);
                }}
              >
                <h3>
                  {dt(target.kind === 'install' ? 'templates.installTitle' : 'templates.upgradeTitle', {
                    name: label(tpl.name),
                    version: tpl.version,
                  })}
                </h3>
                {target.kind === 'install' ? (
                  <label>
                    {dt('designer.appKey')}
                    <input
                      value={target.appKey}
                      onChange={(e) => {
                        setTarget({ ...target, appKey: e.target.value.trim() });
                        setResult(null);
                      }}
                      aria-describedby="template-app-key-hint"
                      data-testid="template-app-key"
                    />
                    <small id="template-app-key-hint">{dt('designer.appKeyHint')}</small>
                  </label>
                ) : (
                  <p>
                    <code>{target.appKey}</code>
                  </p>
                )}
                {error && (
                  <p className="error" role="alert" data-testid="template-error">
                    {error.path && <code>{error.path}</code>} {error.message}
                  </p>
                )}
                {result && <RunPreview result={result} />}
                <div className="actions">
                  <button type="submit" disabled={busy} data-testid="template-preview">
                    {dt('templates.preview')}
                  </button>
                  <button
                    type="button"
                    className="primary"
                    disabled={busy || !result || result.blocked || (result.issues?.length ?? 0) > 0}
                    onClick={() => void run(false)}
                    data-testid="template-confirm"
                  >
                    {dt(target.kind === 'install' ? 'templates.install' : 'templates.upgrade')}
                  </button>
                  <button type="button" onClick={() => setTarget(null)}>
                    {dt('designer.cancel')}
                  </button>
                </div>
              </form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A dry run's outcome: the merge report (upgrades), the document's problems and the migration plan. */
function RunPreview({ result }: { result: RunResult }) {
  const dt = useDesignerText();
  if (result.upToDate)
    return (
      <p className="notice" data-testid="template-up-to-date">
        {dt('templates.upToDate')}
      </p>
    );
  const { report } = result;
  return (
    <div className="plan" data-testid="template-plan">
      {report && (
        <p data-testid="template-report">
          {dt('templates.report', {
            template: report.template.length,
            customer: report.customer.length,
            conflicts: report.conflicts.length,
          })}
        </p>
      )}
      {report && report.conflicts.length > 0 && (
        <ul className="template-conflicts" data-testid="template-conflicts">
          {report.conflicts.map((c) => (
            <li key={`${c.path}/${c.reason}`}>
              <code>{c.path}</code> — {dt(`templates.conflict.${c.reason}` as DesignerMessageKey)}
            </li>
          ))}
        </ul>
      )}
      {(result.issues ?? []).length > 0 && (
        <ul className="template-issues" data-testid="template-issues">
          {(result.issues ?? []).map((i) => (
            <li key={`${i.path}/${i.message}`} className="blocked">
              <code>{i.path}</code> {i.message}
            </li>
          ))}
        </ul>
      )}
      {/* A new app's plan is long (every table and index): it opens on demand unless something blocks. */}
      <details open={result.plan.steps.length <= 12 || result.blocked}>
        <summary>{dt('templates.steps', { count: result.plan.steps.length })}</summary>
        <PlanSteps plan={result} />
      </details>
      {result.blocked && (
        <p className="error" role="alert" data-testid="template-blocked">
          {dt('templates.blocked')}
        </p>
      )}
    </div>
  );
}
