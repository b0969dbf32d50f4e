import type { AppDocument, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, replaceAt } from '../core/doc-edit.js';
import { editSelect } from '../model/select-edit.js';

/**
 * Changes an option's label or colour (`null` removes the colour). Its id — what records store — never
 * changes.
 * @example { type: 'updateOption', entityId: 'lead', fieldId: 'source', optionId: 'web', color: '#52c41a' }
 */
export interface UpdateOptionAction {
  readonly type: 'updateOption';
  readonly entityId: string;
  readonly fieldId: string;
  readonly optionId: string;
  readonly label?: Label;
  readonly color?: string | null;
}

/** Applies {@link UpdateOptionAction}. */
export function applyUpdateOption(doc: AppDocument, action: UpdateOptionAction): ActionResult {
  if (action.color && !/^#[0-9a-fA-F]{6}$/.test(action.color))
    return refuse(
      'invalid_value',
      `颜色 "${action.color}" 无效`,
      `Colour "${action.color}" is invalid (#rrggbb)`,
    );
  const result = editSelect(doc, action.entityId, action.fieldId, (field) => {
    const index = field.options.findIndex((o) => o.id === action.optionId);
    if (index < 0) return missing.option(action.optionId);
    const option = patchObject(field.options[index]!, {
      label: action.label && cleanLabel(action.label),
      color: action.color,
    });
    const options = replaceAt(field.options, index, option);
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

/** The `updateOption` handler; typing a label merges into one undo step. */
export const updateOption: ActionHandler<UpdateOptionAction> = {
  label: bi('修改选项', 'Edit option'),
  apply: applyUpdateOption,
  coalesceKey: (a) =>
    a.label !== undefined && a.color === undefined
      ? `updateOption:${a.entityId}:${a.fieldId}:${a.optionId}:label`
      : undefined,
};
