import type { AppDocument, Field, SelectOption } from '@dougong/schema';
import { type ActionResult, missing, refuse } from '../core/action-types.js';
import { withEntity, withField } from '../core/doc-edit.js';

type SelectField = Extract<Field, { type: 'singleSelect' | 'multiSelect' }>;

/**
 * Shared by the option actions: finds the select field and applies `edit` to it, refusing unknown
 * entities, fields and non-select fields.
 */
export function editSelect(
  doc: AppDocument,
  entityId: string,
  fieldId: string,
  edit: (field: SelectField) => SelectField | Extract<ActionResult, { ok: false }>,
): { ok: true; doc: AppDocument } | Extract<ActionResult, { ok: false }> {
  const entity = doc.entities.find((e) => e.id === entityId);
  if (!entity) return missing.entity(entityId);
  const field = entity.fields.find((f) => f.id === fieldId);
  if (!field) return missing.field(fieldId);
  if (field.type !== 'singleSelect' && field.type !== 'multiSelect')
    return refuse('not_allowed', '只有单选和多选字段有选项', 'Only select fields have options');
  const next = edit(field);
  if ('ok' in next) return next;
  return { ok: true, doc: withEntity(doc, entityId, (e) => withField(e, fieldId, () => next)!)! };
}

/** The option of a select field by id. */
export const optionOf = (field: SelectField, id: string): SelectOption | undefined =>
  field.options.find((o) => o.id === id);
