import type { AppDocument } from '@dougong/schema';
import type { Principal } from './principal.js';

/**
 * Whether `granter` may give `roleKey` of `app` to someone: they must manage users and hold the role
 * themselves (or hold every right, as administrators do). Nobody grants a right they do not hold.
 */
export function mayGrantRole(granter: Principal, doc: AppDocument, roleKey: string): boolean {
  if (!granter.rights.has('manageUsers')) return false;
  if (!(doc.roles ?? []).some((r) => r.key === roleKey)) return false;
  if (granter.rights.has('allData')) return true;
  return (granter.roles[doc.key] ?? []).includes(roleKey);
}
