import type { RecordInput } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from './record-reader.js';
import type { Actor } from './record-writer.js';

type Owner = RecordInput['owner'];

/** The primary department of each of the users (users without one are absent). */
export async function primaryDepartments(trx: Db, userIds: Iterable<string>): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ user_id: string; department_id: string }>`select user_id, department_id
    from dougong.user_departments
    where is_primary and user_id = any(cast(${`{${ids.join(',')}}`} as uuid[]))`.execute(trx);
  return new Map(rows.map((r) => [String(r.user_id), String(r.department_id)]));
}

// The owner whose department a new record takes: someone other than the actor, given without one.
function ownerToLookUp(owner: Owner, actor: Actor): string | undefined {
  const id = owner?.ownerId;
  return typeof id === 'string' && owner?.ownerDeptId === undefined && id !== actor.userId ? id : undefined;
}

/**
 * The departments {@link newRecordOwner} needs for these records (one query, none when no record is
 * given to someone else without a department); those in `known` are not looked up again.
 */
export async function ownerDepartments(
  trx: Db,
  records: ReadonlyArray<{ owner?: Owner; actor: Actor }>,
  known: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  const wanted = records.flatMap((r) => {
    const other = ownerToLookUp(r.owner, r.actor);
    return other === undefined || known.has(other) ? [] : [other];
  });
  const found = await primaryDepartments(trx, wanted);
  for (const [user, department] of known) found.set(user, department);
  return found;
}

/**
 * The owner and owner department of a new record: the ones given; else the actor and the department
 * the actor acts in. A record given to someone else without a department takes that person's primary
 * department (from `departments`, see {@link ownerDepartments}), so department-scoped roles see it
 * with its owner's team, not with the team of whoever created it (a flow, an import, a manager).
 */
export function newRecordOwner(
  owner: Owner,
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

/** {@link newRecordOwner} for one record, looking its department up when it needs one. */
export async function recordOwner(
  trx: Db,
  owner: Owner,
  actor: Actor,
): Promise<{ ownerId: string | null; ownerDeptId: string | null }> {
  return newRecordOwner(owner, actor, await ownerDepartments(trx, [{ owner, actor }]));
}
