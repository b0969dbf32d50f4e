import type { AppDocument, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { insertAt } from '../core/doc-edit.js';
import { ID_PATTERNS, keyFrom, unique } from '../core/ids.js';
import { OPTION_COLORS } from '../model/field-types.js';
import { editSelect } from '../model/select-edit.js';

/**
 * Adds an option to a single or multi select. Without `optionId` it comes from the English label (else
 * `optionN`); without a colour the next of the palette is used.
 * @example { type: 'addOption', entityId: 'lead', fieldId: 'source', label: { 'zh-CN': '展会', en: 'Trade show' } }
 */
export interface AddOptionAction {
  readonly type: 'addOption';
  readonly entityId: string;
  readonly fieldId: string;
  readonly label?: Label;
  readonly optionId?: string;
  readonly color?: string;
  /** Position among the options (default: last). */
  readonly index?: number;
}

/** Applies {@link AddOptionAction}. */
export function applyAddOption(doc: AppDocument, action: AddOptionAction): ActionResult {
  let created = '';
  const result = editSelect(doc, action.entityId, action.fieldId, (field) => {
    const taken = new Set(field.options.map((o) => o.id));
    const n = field.options.length + 1;
    const id =
      action.optionId ?? unique(action.label ? keyFrom(action.label, `option${n}`) : `option${n}`, taken, 40);
    if (!ID_PATTERNS.option.test(id))
      return refuse('invalid_id', `选项 id "${id}" 无效`, `Option id "${id}" is invalid`);
    if (taken.has(id)) return refuse('duplicate_id', `选项 id "${id}" 已存在`, `Option id "${id}" is taken`);
    created = id;
    const option = {
      id,
      label: cleanLabel(action.label ?? bi(`选项 ${n}`, `Option ${n}`)),
      color: action.color ?? OPTION_COLORS[field.options.length % OPTION_COLORS.length]!,
    };
    return { ...field, options: insertAt(field.options, action.index ?? field.options.length, option) };
  });
  if (!result.ok) return result;
  return done(result.doc, {
    kind: 'option',
    entityId: action.entityId,
    fieldId: action.fieldId,
    optionId: created,
  });
}

/** The `addOption` handler. */
export const addOption: ActionHandler<AddOptionAction> = {
  label: bi('新增选项', 'Add option'),
  apply: applyAddOption,
};
