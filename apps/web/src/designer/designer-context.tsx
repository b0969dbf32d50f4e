import type { DesignerAction, DesignerState, Refusal, Selection } from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import type { AppDocument } from '@dougong/schema';
import { createContext, useContext } from 'react';

/**
 * What every designer area sees: the app being designed, the draft document, the selection, the live
 * check's issues and the save status. Edits go through `dispatch`, which applies the action with the
 * designer's reducer (one undo step, or merged with the last one while typing) and answers the refusal
 * when the action was refused (nothing changed then), else null.
 */
export interface DesignerContextValue {
  /** The app key. */
  readonly app: string;
  /** The draft document as edited so far (saved or not). */
  readonly doc: AppDocument;
  /** Applies an edit; the refusal when it was refused (the document is unchanged then), else null. */
  dispatch(action: DesignerAction): Refusal | null;
  readonly selection: Selection;
  select(selection: Selection): void;
  /** Ends the current undo step (call on blur, so the next typing starts a new step). */
  seal(): void;
  /** The live check of the document: blocking problems and the designer's warnings, sorted by path. */
  readonly issues: readonly DesignerIssue[];
  /** The server's revision of the draft the editor started from (the save's If-Match), null before load. */
  readonly revision: number | null;
  /** True while there are edits the server has not saved. */
  readonly dirty: boolean;
  /** The whole designer state (undo/redo stacks, last refusal), for areas that need more. */
  readonly state: DesignerState;
  /**
   * The state as the last dispatch left it, which may be newer than the rendered `state` (two key
   * presses handled before a re-render): for handlers that work out an edit from the document.
   */
  latest(): DesignerState;
}

/** The designer context; provided by the designer page. */
export const DesignerContext = createContext<DesignerContextValue | null>(null);

/**
 * The designer's document, selection and edit dispatch, for any component inside the designer page.
 * @example const { doc, dispatch } = useDesigner(); const refusal = dispatch({ type: 'renameEntity', … })
 */
export function useDesigner(): DesignerContextValue {
  const value = useContext(DesignerContext);
  if (!value) throw new Error('useDesigner() is used outside the designer page');
  return value;
}

/** The issues whose JSON Pointer is `path` or lies inside it. */
export function issuesUnder(issues: readonly DesignerIssue[], path: string): DesignerIssue[] {
  return issues.filter((issue) => issue.path === path || issue.path.startsWith(`${path}/`));
}
