import type { AppDocument, EntityGrant } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { replaceAt } from '../core/doc-edit.js';
import { sameJson } from '../core/same-json.js';

/**
 * Sets (or with `grant: null` removes) what a role may do with one entity's records: actions, row scope,
 * an optional condition and field access. Child entities follow their parent's grants.
 * @example { type: 'setRoleGrant', roleKey: 'rep', entityId: 'lead', grant: { actions: ['create', 'read'], scope: 'own' } }
 */
export interface SetRoleGrantAction {
  readonly type: 'setRoleGrant';
  readonly roleKey: string;
  readonly entityId: string;
  readonly grant: Omit<EntityGrant, 'entity'> | null;
}

/** Applies {@link SetRoleGrantAction}. */
export function applySetRoleGrant(doc: AppDocument, action: SetRoleGrantAction): ActionResult {
  const roles = doc.roles ?? [];
  const index = roles.findIndex((r) => r.key === action.roleKey);
  if (index < 0) return missing.role(action.roleKey);
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  if (entity.kind === 'child')
    return refuse('not_allowed', '子实体沿用父实体的权限', "Child entities follow their parent's grants");
  const role = roles[index]!;
  const at = role.grants.findIndex((g) => g.entity === entity.id);
  let grants = role.grants;
  if (action.grant === null) {
    if (at < 0) return done(doc, { kind: 'role', roleKey: role.key });
    grants = role.grants.filter((_, i) => i !== at);
  } else {
    const unknown = Object.keys(action.grant.fields ?? {}).find(
      (id) => !entity.fields.some((f) => f.id === id),
    );
    if (unknown !== undefined) return missing.field(unknown);
    const grant: EntityGrant = { entity: entity.id, ...action.grant };
    if (at >= 0 && sameJson(role.grants[at], grant)) return done(doc, { kind: 'role', roleKey: role.key });
    grants = at >= 0 ? replaceAt(role.grants, at, grant) : [...role.grants, grant];
  }
  return done(
    { ...doc, roles: replaceAt(roles, index, { ...role, grants }) },
    { kind: 'role', roleKey: role.key },
  );
}

/** The `setRoleGrant` handler. */
export const setRoleGrant: ActionHandler<SetRoleGrantAction> = {
  label: bi('设置角色权限', 'Set role access'),
  apply: applySetRoleGrant,
};
