import type { AppDocument } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { blockingUsages, whereEntityIsUsed } from '../model/usages.js';

/**
 * Removes an entity with its forms, the role grants on it and the child entities of its sub-tables.
 * Refused while anything else uses it — reference fields pointing at it, the sub-table owning it (remove
 * that field instead), flows — with those usages listed.
 * @example { type: 'removeEntity', entityId: 'followup' }
 */
export interface RemoveEntityAction {
  readonly type: 'removeEntity';
  readonly entityId: string;
}

/** Applies {@link RemoveEntityAction}. */
export function applyRemoveEntity(doc: AppDocument, action: RemoveEntityAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const blocking = blockingUsages(whereEntityIsUsed(doc, entity.id));
  if (blocking.length > 0)
    return refuse(
      'referenced',
      `实体 "${entity.key}" 仍在使用中，请先修改这些地方`,
      `Entity "${entity.key}" is still in use; change these places first`,
      blocking,
    );
  const gone = new Set([entity.id]);
  for (const f of entity.fields) if (f.type === 'subTable') gone.add(f.childEntity);
  const forms = doc.forms?.filter((f) => f.entity !== entity.id);
  const roles = doc.roles?.map((role) =>
    role.grants.some((g) => gone.has(g.entity))
      ? { ...role, grants: role.grants.filter((g) => !gone.has(g.entity)) }
      : role,
  );
  return done(
    {
      ...doc,
      entities: doc.entities.filter((e) => !gone.has(e.id)),
      ...(forms ? { forms } : {}),
      ...(roles ? { roles } : {}),
    },
    null,
  );
}

/** The `removeEntity` handler. */
export const removeEntity: ActionHandler<RemoveEntityAction> = {
  label: bi('删除实体', 'Remove entity'),
  apply: applyRemoveEntity,
};
