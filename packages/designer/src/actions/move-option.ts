import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { type ListTarget, moveTo, targetIndex, targetRef } from '../core/doc-edit.js';
import { editSelect } from '../model/select-edit.js';

/**
 * Reorders an option of a select field (the order forms and kanban columns show).
 * @example { type: 'moveOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'won', target: { index: 0 } }
 */
export interface MoveOptionAction {
  readonly type: 'moveOption';
  readonly entityId: string;
  readonly fieldId: string;
  readonly optionId: string;
  readonly target: ListTarget;
}

/** Applies {@link MoveOptionAction}. */
export function applyMoveOption(doc: AppDocument, action: MoveOptionAction): ActionResult {
  const result = editSelect(doc, action.entityId, action.fieldId, (field) => {
    const from = field.options.findIndex((o) => o.id === action.optionId);
    if (from < 0) return missing.option(action.optionId);
    const to = targetIndex(field.options, action.target, action.optionId);
    if (to === undefined) return missing.option(targetRef(action.target));
    const options = moveTo(field.options, from, to);
    return options === field.options ? field : { ...field, options };
  });
  if (!result.ok) return result;
  return done(result.doc, {
    kind: 'option',
    entityId: action.entityId,
    fieldId: action.fieldId,
    optionId: action.optionId,
  });
}

/** The `moveOption` handler. */
export const moveOption: ActionHandler<MoveOptionAction> = {
  label: bi('移动选项', 'Move option'),
  apply: applyMoveOption,
};
