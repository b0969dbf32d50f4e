import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { editSelect } from '../model/select-edit.js';
import { whereOptionIsUsed } from '../model/usages.js';

/**
 * Removes an option (and drops it from the field's default). A select keeps at least one option. Refused
 * while rules compare the field with the option (the refusal lists where); records that hold it keep the
 * value until they are edited.
 * @example { type: 'removeOption', entityId: 'lead', fieldId: 'source', optionId: 'fax' }
 */
export interface RemoveOptionAction {
  readonly type: 'removeOption';
  readonly entityId: string;
  readonly fieldId: string;
  readonly optionId: string;
}

/** Applies {@link RemoveOptionAction}. */
export function applyRemoveOption(doc: AppDocument, action: RemoveOptionAction): ActionResult {
  const usages = whereOptionIsUsed(doc, action.entityId, action.fieldId, action.optionId);
  if (usages.length > 0)
    return refuse(
      'referenced',
      `选项 "${action.optionId}" 仍被规则使用，请先修改这些地方`,
      `Option "${action.optionId}" is still used by rules; change these places first`,
      usages,
    );
  const result = editSelect(doc, action.entityId, action.fieldId, (field) => {
    if (!field.options.some((o) => o.id === action.optionId)) return missing.option(action.optionId);
    if (field.options.length === 1)
      return refuse('last_item', '选择字段至少保留一个选项', 'A select field keeps at least one option');
    const options = field.options.filter((o) => o.id !== action.optionId);
    if (field.type === 'singleSelect') {
      if (field.default !== action.optionId) return { ...field, options };
      const { default: _, ...rest } = field;
      return { ...rest, options };
    }
    if (!field.default?.includes(action.optionId)) return { ...field, options };
    const kept = field.default.filter((d) => d !== action.optionId);
    const { default: _, ...rest } = field;
    return kept.length > 0 ? { ...rest, options, default: kept } : { ...rest, options };
  });
  if (!result.ok) return result;
  return done(result.doc, { kind: 'field', entityId: action.entityId, fieldId: action.fieldId });
}

/** The `removeOption` handler. */
export const removeOption: ActionHandler<RemoveOptionAction> = {
  label: bi('删除选项', 'Remove option'),
  apply: applyRemoveOption,
};
