import type { AppDocument } from '@dougong/schema';
import type { ActionHandler, Refusal } from '../core/action-types.js';
import type { Bilingual } from '../core/bilingual.js';
import { sameJson } from '../core/same-json.js';
import { ACTION_HANDLERS, type DesignerAction } from './action-registry.js';
import { normalizeSelection, type Selection } from './selection.js';

/** One undo step: the documents and selections before and after it, and the action that made it. */
export interface HistoryStep {
  readonly before: AppDocument;
  readonly after: AppDocument;
  readonly selectionBefore: Selection;
  readonly selectionAfter: Selection;
  /** The step's last action (several when typing merged them). */
  readonly action: DesignerAction;
  /** What the undo menu calls the step. */
  readonly label: Bilingual;
  readonly coalesceKey?: string;
}

/**
 * The designer's whole state: the metadata document being edited, the selection, the undo and redo
 * stacks, and the reason the last action was refused (if it was). Immutable; every transition returns a
 * new state.
 */
export interface DesignerState {
  readonly doc: AppDocument;
  readonly selection: Selection;
  /** Undo steps, oldest first. */
  readonly past: readonly HistoryStep[];
  /** Redo steps, next first. */
  readonly future: readonly HistoryStep[];
  /** Why the last dispatched action was refused; null after a successful one. */
  readonly refusal: Refusal | null;
  /** At most this many undo steps are kept (the oldest go first). */
  readonly historyLimit: number;
  /** When true the next edit starts a new undo step even if it could merge with the last. */
  readonly sealed: boolean;
  /** Counts document changes (edits, undos, redos, loads): a cheap "is there something to save" signal. */
  readonly revision: number;
}

/** Commands that are not edits: undo, redo, select, seal the current undo step, load a document. */
export type DesignerCommand =
  | { readonly type: 'undo' }
  | { readonly type: 'redo' }
  | { readonly type: 'select'; readonly selection: Selection }
  | { readonly type: 'seal' }
  | { readonly type: 'load'; readonly doc: AppDocument };

/** Anything the reducer accepts. */
export type DesignerMessage = DesignerAction | DesignerCommand;

/** The default number of undo steps kept. */
export const DEFAULT_HISTORY_LIMIT = 200;

/**
 * A designer state for a document, with empty history.
 * @example const [state, send] = useReducer(designerReducer, doc, (d) => createDesignerState(d))
 */
export function createDesignerState(
  doc: AppDocument,
  options: { historyLimit?: number; selection?: Selection } = {},
): DesignerState {
  return {
    doc,
    selection: normalizeSelection(doc, options.selection ?? null),
    past: [],
    future: [],
    refusal: null,
    historyLimit: Math.max(1, options.historyLimit ?? DEFAULT_HISTORY_LIMIT),
    sealed: true,
    revision: 0,
  };
}

/**
 * Applies an edit. A refused action leaves the document and history alone and records the refusal; a
 * no-op (nothing changes) leaves no undo step; an action whose merge key equals the last step's (typing
 * into one property) extends that step instead of adding one, unless the history was sealed since.
 */
export function dispatch(state: DesignerState, action: DesignerAction): DesignerState {
  const handler = ACTION_HANDLERS[action.type] as unknown as ActionHandler<DesignerAction>;
  const result = handler.apply(state.doc, action);
  if (!result.ok) return { ...state, refusal: result.refusal };
  const selection = normalizeSelection(
    result.doc,
    result.select === undefined ? state.selection : result.select,
  );
  if (result.doc === state.doc || sameJson(result.doc, state.doc))
    return { ...state, selection, refusal: null };
  const key = handler.coalesceKey?.(action, state.doc);
  const last = state.past[state.past.length - 1];
  if (!state.sealed && key !== undefined && last?.coalesceKey === key && state.future.length === 0) {
    const past = state.past.slice(0, -1);
    // Typing back to where the step started leaves nothing to undo.
    const merged: HistoryStep[] = sameJson(last.before, result.doc)
      ? past
      : [...past, { ...last, after: result.doc, selectionAfter: selection, action }];
    return {
      ...state,
      doc: result.doc,
      selection,
      past: merged,
      refusal: null,
      revision: state.revision + 1,
    };
  }
  const step: HistoryStep = {
    before: state.doc,
    after: result.doc,
    selectionBefore: state.selection,
    selectionAfter: selection,
    action,
    label: handler.label,
    ...(key !== undefined ? { coalesceKey: key } : {}),
  };
  const past = [...state.past, step].slice(-state.historyLimit);
  return {
    ...state,
    doc: result.doc,
    selection,
    past,
    future: [],
    refusal: null,
    sealed: false,
    revision: state.revision + 1,
  };
}

/** Undoes the last step: the document is exactly the one before it again. */
export function undo(state: DesignerState): DesignerState {
  const step = state.past[state.past.length - 1];
  if (!step) return state;
  return {
    ...state,
    doc: step.before,
    selection: normalizeSelection(step.before, step.selectionBefore),
    past: state.past.slice(0, -1),
    future: [step, ...state.future],
    refusal: null,
    sealed: true,
    revision: state.revision + 1,
  };
}

/** Redoes the last undone step: the document is exactly the one after it again. */
export function redo(state: DesignerState): DesignerState {
  const step = state.future[0];
  if (!step) return state;
  return {
    ...state,
    doc: step.after,
    selection: normalizeSelection(step.after, step.selectionAfter),
    past: [...state.past, step],
    future: state.future.slice(1),
    refusal: null,
    sealed: true,
    revision: state.revision + 1,
  };
}

/** Selects something (no undo step); ids that do not exist fall back to their parent. */
export function select(state: DesignerState, selection: Selection): DesignerState {
  return { ...state, selection: normalizeSelection(state.doc, selection) };
}

/** Ends the current undo step, so the next edit starts a new one (call it when an input loses focus). */
export function seal(state: DesignerState): DesignerState {
  return state.sealed ? state : { ...state, sealed: true };
}

/** Whether there is a step to undo / redo, and what it is called (for menus and tooltips). */
export const canUndo = (state: DesignerState): boolean => state.past.length > 0;
export const canRedo = (state: DesignerState): boolean => state.future.length > 0;
export const undoLabel = (state: DesignerState): Bilingual | undefined =>
  state.past[state.past.length - 1]?.label;
export const redoLabel = (state: DesignerState): Bilingual | undefined => state.future[0]?.label;

/**
 * The reducer for `useReducer`: edits, undo, redo, select, seal, and load (a fresh document, e.g. after
 * reloading the draft: history is cleared).
 */
export function designerReducer(state: DesignerState, message: DesignerMessage): DesignerState {
  switch (message.type) {
    case 'undo':
      return undo(state);
    case 'redo':
      return redo(state);
    case 'select':
      return select(state, message.selection);
    case 'seal':
      return seal(state);
    case 'load':
      return {
        ...createDesignerState(message.doc, { historyLimit: state.historyLimit }),
        revision: state.revision + 1,
      };
    default:
      return dispatch(state, message);
  }
}
