import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { type ListTarget, moveTo, targetIndex, targetRef, withEntity } from '../core/doc-edit.js';

/**
 * Moves a field within its entity's field list (the order of generated forms and of the field list).
 * @example { type: 'moveField', entityId: 'lead', fieldId: 'email', target: { beforeId: 'mobile' } }
 */
export interface MoveFieldAction {
  readonly type: 'moveField';
  readonly entityId: string;
  readonly fieldId: string;
  readonly target: ListTarget;
}

/** Applies {@link MoveFieldAction}. */
export function applyMoveField(doc: AppDocument, action: MoveFieldAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const from = entity.fields.findIndex((f) => f.id === action.fieldId);
  if (from < 0) return missing.field(action.fieldId);
  const to = targetIndex(entity.fields, action.target, action.fieldId);
  if (to === undefined) return missing.field(targetRef(action.target));
  const next = withEntity(doc, entity.id, (e) => {
    const fields = moveTo(e.fields, from, to);
    return fields === e.fields ? e : { ...e, fields };
  })!;
  return done(next, { kind: 'field', entityId: entity.id, fieldId: action.fieldId });
}

/** The `moveField` handler. */
export const moveField: ActionHandler<MoveFieldAction> = {
  label: bi('移动字段', 'Move field'),
  apply: applyMoveField,
};
