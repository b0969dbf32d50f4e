import { type AppDocument, USAGE_KINDS } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import type { Usage } from '../model/usages.js';

/**
 * Removes a role. Refused while an approval node asks that role to approve.
 * @example { type: 'removeRole', roleKey: 'intern' }
 */
export interface RemoveRoleAction {
  readonly type: 'removeRole';
  readonly roleKey: string;
}

/** Applies {@link RemoveRoleAction}. */
export function applyRemoveRole(doc: AppDocument, action: RemoveRoleAction): ActionResult {
  if (!doc.roles?.some((r) => r.key === action.roleKey)) return missing.role(action.roleKey);
  const usages: Usage[] = [];
  (doc.flows ?? []).forEach((flow, f) => {
    flow.nodes.forEach((node, n) => {
      if (
        node.kind === 'approval' &&
        node.approvers.kind === 'role' &&
        node.approvers.role === action.roleKey
      )
        usages.push({
          path: `/flows/${f}/nodes/${n}/approvers/role`,
          kind: 'flowNode',
          owner: { kind: 'flow', id: flow.id },
          blocking: true,
          message: USAGE_KINDS.flowNode.text,
        });
    });
  });
  if (usages.length > 0)
    return refuse('referenced', '有审批节点由该角色审批', 'An approval step asks this role', usages);
  return done({ ...doc, roles: doc.roles.filter((r) => r.key !== action.roleKey) }, null);
}

/** The `removeRole` handler. */
export const removeRole: ActionHandler<RemoveRoleAction> = {
  label: bi('删除角色', 'Remove role'),
  apply: applyRemoveRole,
};
