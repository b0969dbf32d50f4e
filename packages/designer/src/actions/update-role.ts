import type { AppDocument, Label, Text } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { patchObject, replaceAt } from '../core/doc-edit.js';
import { ID_PATTERNS } from '../core/ids.js';

/**
 * Changes a role's label, description or key. Users are given roles by key, and approval nodes name roles
 * by key (those are renamed with it); assignments stored outside the document follow the key too.
 * @example { type: 'updateRole', roleKey: 'rep', patch: { label: { 'zh-CN': '销售', en: 'Sales' } } }
 */
export interface UpdateRoleAction {
  readonly type: 'updateRole';
  readonly roleKey: string;
  readonly patch: { readonly label?: Label; readonly description?: Text | null; readonly key?: string };
}

/** Applies {@link UpdateRoleAction}. */
export function applyUpdateRole(doc: AppDocument, action: UpdateRoleAction): ActionResult {
  const roles = doc.roles ?? [];
  const index = roles.findIndex((r) => r.key === action.roleKey);
  if (index < 0) return missing.role(action.roleKey);
  const { key, label, description } = action.patch;
  if (key !== undefined && key !== action.roleKey) {
    if (!ID_PATTERNS.key.test(key))
      return refuse('invalid_key', `角色键 "${key}" 无效`, `Role key "${key}" is invalid`);
    if (roles.some((r) => r.key === key))
      return refuse('duplicate_key', `角色键 "${key}" 已存在`, `Role key "${key}" is taken`);
  }
  const role = patchObject(roles[index]!, {
    key,
    label: label && cleanLabel(label),
    description:
      description && (Object.keys(cleanLabel(description)).length ? cleanLabel(description) : null),
  });
  let next: AppDocument = role === roles[index] ? doc : { ...doc, roles: replaceAt(roles, index, role) };
  if (key !== undefined && key !== action.roleKey && next.flows)
    next = {
      ...next,
      flows: next.flows.map((flow) =>
        flow.nodes.some(
          (n) => n.kind === 'approval' && n.approvers.kind === 'role' && n.approvers.role === action.roleKey,
        )
          ? {
              ...flow,
              nodes: flow.nodes.map((n) =>
                n.kind === 'approval' && n.approvers.kind === 'role' && n.approvers.role === action.roleKey
                  ? { ...n, approvers: { kind: 'role' as const, role: key } }
                  : n,
              ),
            }
          : flow,
      ),
    };
  return done(next, { kind: 'role', roleKey: role.key });
}

/** The `updateRole` handler; typing merges into one undo step. */
export const updateRole: ActionHandler<UpdateRoleAction> = {
  label: bi('修改角色', 'Edit role'),
  apply: applyUpdateRole,
  coalesceKey: (a) =>
    Object.keys(a.patch).every((k) => k === 'label' || k === 'description')
      ? `updateRole:${a.roleKey}:${Object.keys(a.patch).sort().join(',')}`
      : undefined,
};
