import {
  createDesignerState,
  type DesignerAction,
  type DesignerMessage,
  type DesignerState,
  designerReducer,
  type Refusal,
  type Selection,
} from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import type { AppDocument } from '@dougong/schema';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { loadDraft, saveDraft } from './designer-api';
import { liveCheck, serverIssues } from './live-check';

/** How long the editor waits after the last edit before saving by itself. */
export const AUTOSAVE_MS = 1500;

/** Where the save of the draft stands. */
export type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; revision: number }
  /** The server refused the draft (its issues are in `issues`). */
  | { kind: 'invalid'; count: number }
  /** Someone else saved meanwhile: nothing was overwritten. */
  | { kind: 'conflict'; revision: number | null }
  | { kind: 'error'; message: string };

/** The draft being edited: the designer state, its save status, and what to do with it. */
export interface Draft {
  /** Null until the draft is loaded. */
  state: DesignerState | null;
  loadError: string | null;
  /** The revision of the draft on the server that the edits started from. */
  revision: number | null;
  dirty: boolean;
  status: SaveStatus;
  issues: readonly DesignerIssue[];
  dispatch(action: DesignerAction): Refusal | null;
  send(message: DesignerMessage): void;
  select(selection: Selection): void;
  /** The state after the last edit or selection, before React has rendered it (null before load). */
  latest(): DesignerState | null;
  save(): Promise<void>;
  /** Drops local edits and loads the latest draft. */
  reload(): Promise<void>;
  /** Loads the latest draft and replays this editor's unsaved edits on top of it. */
  rebase(): Promise<{ replayed: number; refused: number }>;
  autosave: boolean;
  setAutosave(on: boolean): void;
}

/**
 * Holds the draft of an app in the designer: loads it, applies edits with the designer's reducer (undo /
 * redo included), checks it live, and saves it with the revision it was loaded at (If-Match), so a save
 * after someone else's is a conflict rather than an overwrite.
 */
export function useDraft(app: string): Draft {
  const [state, setState] = useState<DesignerState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [revision, setRevision] = useState<number | null>(null);
  const [savedDoc, setSavedDoc] = useState<AppDocument | null>(null);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const [checked, setChecked] = useState<DesignerIssue[]>([]);
  const [fromServer, setFromServer] = useState<DesignerIssue[]>([]);
  const [autosave, setAutosave] = useState(true);
  const stateRef = useRef<DesignerState | null>(null);
  const revisionRef = useRef<number | null>(null);
  // Messages since the last load or save, replayed on top of the latest draft after a conflict.
  const log = useRef<DesignerMessage[]>([]);
  const saving = useRef(false);

  const apply = useCallback((next: DesignerState) => {
    stateRef.current = next;
    setState(next);
  }, []);

  const load = useCallback(async () => {
    const draft = await loadDraft(app);
    const current = stateRef.current;
    apply(
      current
        ? designerReducer(current, { type: 'load', doc: draft.document })
        : createDesignerState(draft.document),
    );
    log.current = [];
    revisionRef.current = draft.revision;
    setRevision(draft.revision);
    setSavedDoc(draft.document);
    setFromServer([]);
    return draft;
  }, [app, apply]);

  useEffect(() => {
    load().catch((e: unknown) => setLoadError(e instanceof Error ? e.message : String(e)));
  }, [load]);

  const send = useCallback(
    (message: DesignerMessage) => {
      const current = stateRef.current;
      if (!current) return;
      const next = designerReducer(current, message);
      if (next === current) return;
      if (message.type !== 'select' && message.type !== 'seal' && next.doc !== current.doc)
        log.current.push(message);
      apply(next);
    },
    [apply],
  );

  const dispatch = useCallback(
    (action: DesignerAction): Refusal | null => {
      const current = stateRef.current;
      if (!current) return null;
      const next = designerReducer(current, action);
      if (next.doc !== current.doc) log.current.push(action);
      apply(next);
      return next.refusal;
    },
    [apply],
  );

  const select = useCallback((selection: Selection) => send({ type: 'select', selection }), [send]);
  // The state after the last dispatch, even before React renders it.
  const latest = useCallback(() => stateRef.current, []);

  const save = useCallback(async () => {
    const current = stateRef.current;
    if (!current || saving.current) return;
    saving.current = true;
    const doc = current.doc;
    const logged = log.current.length;
    setStatus({ kind: 'saving' });
    try {
      const saved = await saveDraft(app, doc, revisionRef.current);
      revisionRef.current = saved;
      setRevision(saved);
      setSavedDoc(doc);
      log.current = log.current.slice(logged);
      setFromServer([]);
      setStatus({ kind: 'saved', revision: saved });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'DRAFT_CONFLICT') {
        const now = e.body.currentRevision;
        setStatus({ kind: 'conflict', revision: typeof now === 'number' ? now : null });
      } else if (e instanceof ApiError && e.details.length > 0) {
        setFromServer(serverIssues(doc, e.details));
        setStatus({ kind: 'invalid', count: e.details.length });
      } else setStatus({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      saving.current = false;
    }
  }, [app]);

  const reload = useCallback(async () => {
    await load();
    setStatus({ kind: 'idle' });
  }, [load]);

  const rebase = useCallback(async () => {
    const mine = log.current;
    const draft = await loadDraft(app);
    let next = createDesignerState(draft.document);
    let replayed = 0;
    let refused = 0;
    for (const message of mine) {
      next = designerReducer(next, message);
      if ('refusal' in next && next.refusal) refused += 1;
      else replayed += 1;
    }
    next = designerReducer(next, { type: 'seal' });
    apply(next);
    log.current = mine;
    revisionRef.current = draft.revision;
    setRevision(draft.revision);
    setSavedDoc(draft.document);
    setFromServer([]);
    setStatus({ kind: 'idle' });
    return { replayed, refused };
  }, [app, apply]);

  const doc = state?.doc;
  const dirty = Boolean(doc && savedDoc && doc !== savedDoc);

  // The live check, a moment after the last edit.
  useEffect(() => {
    if (!doc) return;
    let live = true;
    const timer = setTimeout(() => {
      if (live) setChecked(liveCheck(doc));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [doc]);

  // Autosave: a while after the last edit, unless a conflict waits for the analyst's decision.
  // Runs again after each edit and each successful save (a save refused as invalid waits for an edit).
  const conflicted = status.kind === 'conflict';
  useEffect(() => {
    if (!autosave || !doc || !savedDoc || doc === savedDoc || conflicted) return;
    const timer = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [autosave, doc, savedDoc, conflicted, save]);

  const issues = useMemo(() => {
    if (fromServer.length === 0) return checked;
    const seen = new Set(checked.map((i) => `${i.path}\n${i.message}`));
    return [...checked, ...fromServer.filter((i) => !seen.has(`${i.path}\n${i.message}`))];
  }, [checked, fromServer]);

  return {
    state,
    loadError,
    revision,
    dirty,
    status,
    issues,
    dispatch,
    send,
    select,
    latest,
    save,
    reload,
    rebase,
    autosave,
    setAutosave,
  };
}
