import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { cleanFieldReferences } from '../model/field-cleanup.js';
import { blockingUsages, whereFieldIsUsed } from '../model/usages.js';

/**
 * Removes a field, its nodes on the entity's forms, and its title / search / sort / prefill / attribution
 * / field-access settings; a sub-table takes its child entity with it. Refused while rules, formulas,
 * flows or data linkage read it (the refusal lists where). Publishing archives the column; no data is
 * dropped.
 * @example { type: 'removeField', entityId: 'lead', fieldId: 'fax' }
 */
export interface RemoveFieldAction {
  readonly type: 'removeField';
  readonly entityId: string;
  readonly fieldId: string;
}

/** Applies {@link RemoveFieldAction}. */
export function applyRemoveField(doc: AppDocument, action: RemoveFieldAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const field = entity.fields.find((f) => f.id === action.fieldId);
  if (!field) return missing.field(action.fieldId);
  const blocking = blockingUsages(whereFieldIsUsed(doc, entity.id, field.id));
  if (blocking.length > 0)
    return refuse(
      'referenced',
      `字段 "${field.key}" 仍在使用中，请先修改这些地方`,
      `Field "${field.key}" is still in use; change these places first`,
      blocking,
    );
  const cleaned = cleanFieldReferences(doc, entity.id, field.id);
  const child = field.type === 'subTable' ? field.childEntity : undefined;
  return done(
    {
      ...cleaned,
      entities: cleaned.entities
        .filter((e) => e.id !== child)
        .map((e) => (e.id === entity.id ? { ...e, fields: e.fields.filter((f) => f.id !== field.id) } : e)),
    },
    { kind: 'entity', entityId: entity.id },
  );
}

/** The `removeField` handler. */
export const removeField: ActionHandler<RemoveFieldAction> = {
  label: bi('删除字段', 'Remove field'),
  apply: applyRemoveField,
};
