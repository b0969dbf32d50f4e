import { UUID_PATTERN } from '@dougong/schema';
import { sql } from 'kysely';
import { IdentityStore } from '../identity/identity-store.js';
import type { Db } from '../records/record-reader.js';

/**
 * The managers of users, `levels` up the department chain (1: each user's direct manager, 2: also
 * that manager's manager …), each once, in order. Users without a manager add nobody.
 * @example await managersOf(db, [repId], 2) // [teamLead, director]
 */
export async function managersOf(db: Db, users: readonly string[], levels: number): Promise<string[]> {
  const identity = new IdentityStore(db);
  const out: string[] = [];
  for (const user of users) {
    if (!UUID_PATTERN.test(user)) continue;
    let current: string | null = user;
    for (let level = 0; level < levels && current; level++) {
      current = await identity.managerOf(current);
      if (current && !out.includes(current) && current !== user) out.push(current);
    }
  }
  return out;
}

/** The e-mail addresses of active users (users without one are skipped). */
export async function emailsOf(db: Db, users: readonly string[]): Promise<string[]> {
  const ids = users.filter((u) => UUID_PATTERN.test(u));
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: string; email: string | null }>`select id, email from dougong.users
    where id = any(cast(${`{${ids.join(',')}}`} as uuid[])) and status = 'active'`.execute(db);
  const byId = new Map(rows.map((r) => [String(r.id), r.email]));
  return ids.map((id) => byId.get(id)).filter((e): e is string => typeof e === 'string' && e !== '');
}
