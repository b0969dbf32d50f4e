import type { AppDocument, Field } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, withEntity, withField } from '../core/doc-edit.js';
import { checkFieldPatch, type FieldPatch } from '../model/field-props.js';
import { renameFieldKey } from '../model/field-rename.js';
import { TYPED_FIELD_PROPS } from '../model/field-types.js';

/**
 * Changes a field's properties: label, help, required, unique, default, limits, pattern, reference target,
 * sub-table child, auto-number pattern, formula … (`null` removes an optional property). Properties the
 * type does not have are refused. A new key is renamed everywhere rules, flows and formulas name it.
 * @example { type: 'updateField', entityId: 'lead', fieldId: 'name', patch: { required: true, maxLength: 80 } }
 */
export interface UpdateFieldAction {
  readonly type: 'updateField';
  readonly entityId: string;
  readonly fieldId: string;
  readonly patch: FieldPatch;
}

const TEXT_PROPS = ['label', 'description', 'help', 'placeholder', 'patternMessage'];

/** Applies {@link UpdateFieldAction}. */
export function applyUpdateField(doc: AppDocument, action: UpdateFieldAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const field = entity.fields.find((f) => f.id === action.fieldId);
  if (!field) return missing.field(action.fieldId);
  const patch: Record<string, unknown> = { ...action.patch };
  const problem = checkFieldPatch(doc, entity, field.type, patch, field.id);
  if (problem) return problem;
  for (const key of TEXT_PROPS) {
    const value = patch[key];
    if (value && typeof value === 'object') {
      const cleaned = cleanLabel(value as Record<string, string>);
      patch[key] = key !== 'label' && Object.keys(cleaned).length === 0 ? null : cleaned;
    }
  }
  // Usages are found by the old key, so references are renamed before the field itself.
  const renamed =
    typeof patch.key === 'string' && patch.key !== field.key
      ? renameFieldKey(doc, entity.id, field.id, field.key, patch.key)
      : doc;
  const next = withEntity(
    renamed,
    entity.id,
    (e) => withField(e, field.id, (f) => patchObject(f, patch) as Field)!,
  )!;
  return done(next, { kind: 'field', entityId: entity.id, fieldId: field.id });
}

/** The `updateField` handler; typing into the same text or number properties merges into one undo step. */
export const updateField: ActionHandler<UpdateFieldAction> = {
  label: bi('修改字段', 'Edit field'),
  apply: applyUpdateField,
  coalesceKey: (a) => {
    const keys = Object.keys(a.patch).sort();
    return keys.length > 0 && keys.every((k) => TYPED_FIELD_PROPS.has(k))
      ? `updateField:${a.entityId}:${a.fieldId}:${keys.join(',')}`
      : undefined;
  },
};
