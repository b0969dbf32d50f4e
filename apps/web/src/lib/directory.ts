import { api, query } from '../api/client';

/** Names of users and departments by id, loaded in batches and cached for the page's life. */
const users = new Map<string, string>();
const departments = new Map<string, string>();
let departmentsLoaded: Promise<void> | null = null;

/** Loads the names of the given users (unknown ones only). */
export async function loadUserNames(ids: Iterable<string>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !users.has(id));
  for (let i = 0; i < missing.length; i += 100) {
    const batch = missing.slice(i, i + 100);
    const result = await api<{ items: Array<{ id: string; name: string }> }>(
      'GET',
      `/api/directory/users${query({ ids: batch.join(',') })}`,
    );
    for (const u of result.items) users.set(u.id, u.name);
  }
}

/** Loads every department name once. */
export function loadDepartmentNames(): Promise<void> {
  departmentsLoaded ??= api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/departments').then(
    (r) => {
      for (const d of r.items) departments.set(d.id, d.name);
    },
  );
  return departmentsLoaded;
}

/** A user's name, if loaded. */
export const userName = (id: string) => users.get(id);
/** A department's name, if loaded. */
export const departmentName = (id: string) => departments.get(id);

/** Users matching a search, for pickers. */
export async function searchUsers(q: string): Promise<Array<{ id: string; name: string; login: string }>> {
  const result = await api<{ items: Array<{ id: string; name: string; login: string }> }>(
    'GET',
    `/api/directory/users${query({ q })}`,
  );
  for (const u of result.items) users.set(u.id, u.name);
  return result.items;
}
