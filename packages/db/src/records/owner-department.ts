import type { RecordInput } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from './record-reader.js';
import type { Actor } from './record-writer.js';

/** The primary department of each of the users (users without one are absent). */
export async function primaryDepartments(trx: Db, userIds: Iterable<string>): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ user_id: string; department_id: string }>`select user_id, department_id
    from dougong.user_departments
    where is_primary and user_id = any(cast(${`{${ids.join(',')}}`} as uuid[]))`.execute(trx);
  return new Map(rows.map((r) => [String(r.user_id), String(r.department_id)]));
}

/**
 * The owner a record gets when an owner (without a department) is given for someone else: whose
 * department to look up. Undefined when none is needed (no owner given, a department given, the actor
 * itself, or nobody).
 */
export function ownerToLookUp(owner: RecordInput['owner'], actor: Actor): string | undefined {
  const id = owner?.ownerId;
  return typeof id === 'string' && owner?.ownerDeptId === undefined && id !== actor.userId ? id : undefined;
}

/**
 * The owner and owner department of a new record: the ones given; else the actor and the department
 * the actor acts in. A record given to someone else without a department takes that person's primary
 * department (from `departments`, see {@link primaryDepartments}), so department-scoped roles see it
 * with its owner's team, not with the team of whoever created it (a flow, an import, a manager).
 */
export function newRecordOwner(
  owner: RecordInput['owner'],
  actor: Actor,
  departments: ReadonlyMap<string, string>,
): { ownerId: string | null; ownerDeptId: string | null } {
  const ownerId = owner?.ownerId !== undefined ? owner.ownerId : actor.userId;
  if (owner?.ownerDeptId !== undefined) return { ownerId, ownerDeptId: owner.ownerDeptId };
  const other = ownerToLookUp(owner, actor);
  return {
    ownerId,
    ownerDeptId: other !== undefined ? (departments.get(other) ?? null) : (actor.departmentId ?? null),
  };
}
