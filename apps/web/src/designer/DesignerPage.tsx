import { canRedo, canUndo, issueTarget, redoLabel, undoLabel } from '@dougong/designer';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { type DesignArea, navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import { areaOf, IssueList } from './common/IssueList';
import { DesignerContext, type DesignerContextValue } from './designer-context';
import { useDesignerText } from './designer-i18n';
import './designer.css';
import ModelArea from './model/ModelArea';
import { PublishPanel } from './PublishPanel';
import { useDraft } from './use-draft';

// Areas other than the model load when first opened.
const FormsArea = lazy(() => import('./forms/FormsArea'));
const RulesArea = lazy(() => import('./rules/RulesArea'));
const FlowsArea = lazy(() => import('./flows/FlowsArea'));

const AREAS: readonly DesignArea[] = ['model', 'forms', 'rules', 'flows', 'publish'];

/**
 * The designer of one app: the draft with undo / redo and saving (autosave, explicit save, conflicts),
 * the areas (data model, forms, rules, flows, publish), and the live check's issues.
 */
export default function DesignerPage({ app, area, item }: { app: string; area: DesignArea; item?: string }) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const draft = useDraft(app);
  const { state, send, save } = draft;
  const [rebased, setRebased] = useState<{ replayed: number; refused: number } | null>(null);

  const undo = useCallback(() => send({ type: 'undo' }), [send]);
  const redo = useCallback(() => send({ type: 'redo' }), [send]);

  // Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z (or Ctrl+Y) redoes, Ctrl/Cmd+S saves — except while typing in a
  // text box, where the browser's own undo applies to the text.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 's') {
        event.preventDefault();
        void save();
        return;
      }
      const target = event.target as HTMLElement | null;
      const typing =
        target instanceof HTMLTextAreaElement ||
        (target instanceof HTMLInputElement &&
          !['checkbox', 'radio', 'button', 'color'].includes(target.type)) ||
        target?.isContentEditable;
      if (typing) return;
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, undo, redo]);

  const context = useMemo<DesignerContextValue | null>(
    () =>
      state
        ? {
            app,
            doc: state.doc,
            dispatch: draft.dispatch,
            selection: state.selection,
            select: draft.select,
            seal: () => send({ type: 'seal' }),
            issues: draft.issues,
            revision: draft.revision,
            dirty: draft.dirty,
            state,
            latest: () => draft.latest() ?? state,
          }
        : null,
    [app, state, draft.dispatch, draft.select, draft.latest, send, draft.issues, draft.revision, draft.dirty],
  );

  if (draft.loadError)
    return (
      <p className="error" role="alert">
        {draft.loadError}
      </p>
    );
  if (!state || !context) return <p className="loading">{dt('designer.loading')}</p>;

  const status = draft.status;
  const blocking = draft.issues.filter((i) => i.blocking);
  const undoText = undoLabel(state);
  const redoText = redoLabel(state);

  return (
    <DesignerContext.Provider value={context}>
      <div className="designer" data-testid="designer">
        <header className="designer-bar">
          <h1>
            {label(state.doc.label)} <code>{app}</code>
          </h1>
          <nav className="designer-areas" aria-label={dt('designer.areas')}>
            {AREAS.map((a) => (
              <a
                key={a}
                href={`/design/${app}/${a}`}
                aria-current={a === area ? 'page' : undefined}
                data-testid={`area-${a}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/design/${app}/${a}`);
                }}
              >
                {dt(`designer.area.${a}`)}
              </a>
            ))}
          </nav>
          <span className="spacer" />
          <button
            type="button"
            onClick={undo}
            disabled={!canUndo(state)}
            title={undoText ? `${dt('designer.undo')}: ${undoText[locale]}` : dt('designer.undo')}
            aria-keyshortcuts="Control+Z"
            data-testid="undo"
          >
            ↶ {dt('designer.undo')}
          </button>
          <button
            type="button"
            onClick={redo}
            disabled={!canRedo(state)}
            title={redoText ? `${dt('designer.redo')}: ${redoText[locale]}` : dt('designer.redo')}
            aria-keyshortcuts="Control+Shift+Z"
            data-testid="redo"
          >
            ↷ {dt('designer.redo')}
          </button>
          <label className="autosave">
            <input
              type="checkbox"
              checked={draft.autosave}
              onChange={(e) => draft.setAutosave(e.target.checked)}
            />
            {dt('designer.autosave')}
          </label>
          <button
            type="button"
            className="primary"
            onClick={() => void save()}
            disabled={status.kind === 'saving' || status.kind === 'conflict'}
            aria-keyshortcuts="Control+S"
            data-testid="save-draft"
          >
            {status.kind === 'saving' ? dt('designer.saving') : dt('designer.save')}
          </button>
          <span className="save-status" role="status" data-testid="save-status" data-state={saveState(draft)}>
            {draft.dirty
              ? dt('designer.unsaved')
              : status.kind === 'saved' || status.kind === 'idle'
                ? dt('designer.saved', { revision: draft.revision ?? 0 })
                : ''}
          </span>
        </header>

        {status.kind === 'conflict' && (
          <div className="banner conflict" role="alert" data-testid="draft-conflict">
            <p>{dt('designer.conflict', { revision: status.revision ?? '?' })}</p>
            <button
              type="button"
              className="primary"
              onClick={() => void draft.reload()}
              data-testid="conflict-reload"
            >
              {dt('designer.reload')}
            </button>
            <button
              type="button"
              onClick={() => void draft.rebase().then(setRebased)}
              data-testid="conflict-rebase"
            >
              {dt('designer.keepMine')}
            </button>
          </div>
        )}
        {rebased && (
          <div className="banner notice" role="status" data-testid="rebased">
            {dt('designer.rebased', rebased)}
            <button type="button" className="link" onClick={() => setRebased(null)}>
              {dt('designer.dismiss')}
            </button>
          </div>
        )}
        {status.kind === 'error' && (
          <p className="banner error" role="alert">
            {status.message}
          </p>
        )}
        {state.refusal && (
          <div className="banner refusal" role="alert" data-testid="refusal">
            <p>{state.refusal.message[locale]}</p>
            {state.refusal.usages && state.refusal.usages.length > 0 && (
              <ul data-testid="refusal-usages">
                {state.refusal.usages.map((u) => (
                  <li key={u.path}>
                    {u.message[locale]}{' '}
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        const target = issueTarget(state.doc, u.path).selection;
                        draft.select(target);
                        navigate(`/design/${app}/${areaOf(target)}`);
                      }}
                    >
                      <code>{u.path}</code>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {blocking.length > 0 && (
          <details className="banner issues" data-testid="draft-issues">
            <summary>{dt('designer.invalid', { count: blocking.length })}</summary>
            <IssueList issues={blocking} />
          </details>
        )}

        <Suspense fallback={<p className="loading">{dt('designer.loading')}</p>}>
          {area === 'model' && <ModelArea item={item} />}
          {area === 'forms' && <FormsArea item={item} />}
          {area === 'rules' && <RulesArea />}
          {area === 'flows' && <FlowsArea />}
          {area === 'publish' && (
            <PublishPanel
              app={app}
              revision={draft.revision ?? 0}
              dirty={draft.dirty || status.kind === 'saving'}
              onPublished={() => undefined}
              onRolledBack={() => void draft.reload()}
            />
          )}
        </Suspense>
      </div>
    </DesignerContext.Provider>
  );
}

function saveState(draft: ReturnType<typeof useDraft>): string {
  if (draft.status.kind === 'saving') return 'saving';
  if (draft.dirty) return 'dirty';
  return draft.status.kind === 'idle' ? 'saved' : draft.status.kind;
}
