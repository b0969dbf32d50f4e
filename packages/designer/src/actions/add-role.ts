import type { AppDocument, Label, Text } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { ID_PATTERNS, keyFrom, unique } from '../core/ids.js';

/**
 * Adds a role without grants. Its key comes from the English label (else `role`, numbered).
 * @example { type: 'addRole', label: { 'zh-CN': '销售代表', en: 'Sales rep' } } // key "salesRep"
 */
export interface AddRoleAction {
  readonly type: 'addRole';
  readonly label: Label;
  readonly roleKey?: string;
  readonly description?: Text;
}

/** Applies {@link AddRoleAction}. */
export function applyAddRole(doc: AppDocument, action: AddRoleAction): ActionResult {
  const roles = doc.roles ?? [];
  const key = action.roleKey ?? unique(keyFrom(action.label, 'role'), new Set(roles.map((r) => r.key)), 63);
  if (!ID_PATTERNS.key.test(key))
    return refuse('invalid_key', `角色键 "${key}" 无效`, `Role key "${key}" is invalid`);
  if (roles.some((r) => r.key === key))
    return refuse('duplicate_key', `角色键 "${key}" 已存在`, `Role key "${key}" is taken`);
  const role = {
    key,
    label: cleanLabel(action.label),
    ...(action.description ? { description: cleanLabel(action.description) } : {}),
    grants: [],
  };
  return done({ ...doc, roles: [...roles, role] }, { kind: 'role', roleKey: key });
}

/** The `addRole` handler. */
export const addRole: ActionHandler<AddRoleAction> = {
  label: bi('新增角色', 'Add role'),
  apply: applyAddRole,
};
