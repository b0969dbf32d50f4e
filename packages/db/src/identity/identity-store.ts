import { createHash, randomBytes } from 'node:crypto';
import { DougongError, UUID_PATTERN } from '@dougong/schema';
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: system tables by name
type Db = Kysely<any>;

/** A user as the API shows it (never the password hash). */
export interface User {
  id: string;
  login: string;
  name: string;
  email: string | null;
  mobile: string | null;
  status: 'active' | 'disabled';
  locale: 'zh-CN' | 'en';
  rights: string[];
  createdAt: string;
  updatedAt: string;
}

/** A department in the organisation tree. */
export interface Department {
  id: string;
  name: string;
  parentId: string | null;
  headUserId: string | null;
  sortOrder: number;
}

/** Everything access decisions need about a user, loaded in one round trip. */
export interface UserGrants {
  user: User;
  departmentIds: string[];
  departmentTreeIds: string[];
  primaryDepartmentId: string | null;
  roles: Record<string, string[]>;
}

/** A live session. */
export interface SessionInfo {
  userId: string;
  csrfToken: string;
  createdAt: Date;
}

/** A verified API key. */
export interface ApiKeyInfo {
  id: string;
  userId: string;
  appKeys: string[];
  roleKey: string;
}

/** Session lifetime settings. */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

/** Defaults: 30 minutes idle, 12 hours absolute. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const iso = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).toISOString();

function toUser(row: Record<string, unknown>): User {
  return {
    id: String(row.id),
    login: String(row.login),
    name: String(row.name),
    email: (row.email as string | null) ?? null,
    mobile: (row.mobile as string | null) ?? null,
    status: row.status as User['status'],
    locale: row.locale as User['locale'],
    rights: (row.rights as string[]) ?? [],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const USER_COLUMNS = sql`id, login, name, email, mobile, status, locale, rights, created_at, updated_at`;

/**
 * Users, departments, memberships, role assignments, sessions, API keys, login throttling and the
 * append-only audit log. Secrets are stored only as hashes.
 */
export class IdentityStore {
  constructor(private readonly db: Db) {}

  /** Creates a user; a login already taken (case-insensitive) is a 409. */
  async createUser(
    input: {
      login: string;
      name: string;
      email?: string | null;
      mobile?: string | null;
      locale?: string;
      passwordHash?: string | null;
      rights?: string[];
    },
    db: Db = this.db,
  ): Promise<User> {
    try {
      const { rows } = await sql<
        Record<string, unknown>
      >`insert into dougong.users (login, name, email, mobile, locale, password_hash, rights, password_changed_at)
        values (${input.login}, ${input.name}, ${input.email ?? null}, ${input.mobile ?? null}, ${input.locale ?? 'zh-CN'}, ${input.passwordHash ?? null},
          cast(${`{${(input.rights ?? []).join(',')}}`} as text[]), ${input.passwordHash ? sql`now()` : null})
        returning ${USER_COLUMNS}`.execute(db);
      return toUser(rows[0]!);
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new DougongError('UNIQUE_VIOLATION', undefined, [
          { path: '/login', message: 'is already taken' },
        ]);
      throw error;
    }
  }

  /** A user by id; 404 when absent. */
  async user(id: string): Promise<User> {
    if (!isUuid(id)) throw new DougongError('NOT_FOUND', 'No such user.');
    const { rows } = await sql<
      Record<string, unknown>
    >`select ${USER_COLUMNS} from dougong.users where id = ${id}`.execute(this.db);
    if (!rows[0]) throw new DougongError('NOT_FOUND', 'No such user.');
    return toUser(rows[0]);
  }

  /** A user and password hash by login (case-insensitive), for sign-in. */
  async credentials(login: string): Promise<{ user: User; passwordHash: string | null } | undefined> {
    const { rows } = await sql<
      Record<string, unknown>
    >`select ${USER_COLUMNS}, password_hash from dougong.users where lower(login) = lower(${login})`.execute(
      this.db,
    );
    const row = rows[0];
    return row
      ? { user: toUser(row), passwordHash: (row.password_hash as string | null) ?? null }
      : undefined;
  }

  /** The stored password hash of a user. */
  async passwordHash(userId: string): Promise<string | null> {
    const { rows } = await sql<{
      password_hash: string | null;
    }>`select password_hash from dougong.users where id = ${userId}`.execute(this.db);
    return rows[0]?.password_hash ?? null;
  }

  /** Users by id (unknown ids are left out). */
  async usersByIds(ids: readonly string[]): Promise<User[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const { rows } = await sql<Record<string, unknown>>`select ${USER_COLUMNS} from dougong.users
      where id = any(cast(${`{${valid.join(',')}}`} as uuid[]))`.execute(this.db);
    return rows.map(toUser);
  }

  /** Users, by login. */
  async listUsers(options: { q?: string; limit?: number } = {}): Promise<User[]> {
    const pattern = options.q ? `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const { rows } = await sql<Record<string, unknown>>`select ${USER_COLUMNS} from dougong.users
      where ${pattern === null ? sql`true` : sql`(login ilike ${pattern} or name ilike ${pattern})`}
      order by lower(login) limit ${Math.min(options.limit ?? 200, 1000)}`.execute(this.db);
    return rows.map(toUser);
  }

  /** Changes profile fields of a user. */
  async updateUser(
    id: string,
    patch: {
      name?: string;
      email?: string | null;
      mobile?: string | null;
      locale?: string;
      status?: 'active' | 'disabled';
      rights?: string[];
    },
  ): Promise<User> {
    await this.user(id);
    const sets = [sql`updated_at = now()`];
    if (patch.name !== undefined) sets.push(sql`name = ${patch.name}`);
    if (patch.email !== undefined) sets.push(sql`email = ${patch.email}`);
    if (patch.mobile !== undefined) sets.push(sql`mobile = ${patch.mobile}`);
    if (patch.locale !== undefined) sets.push(sql`locale = ${patch.locale}`);
    if (patch.status !== undefined) sets.push(sql`status = ${patch.status}`);
    if (patch.rights !== undefined) sets.push(sql`rights = cast(${`{${patch.rights.join(',')}}`} as text[])`);
    const { rows } = await sql<
      Record<string, unknown>
    >`update dougong.users set ${sql.join(sets)} where id = ${id} returning ${USER_COLUMNS}`.execute(this.db);
    return toUser(rows[0]!);
  }

  /** Replaces a user's password hash. */
  async setPasswordHash(id: string, hash: string): Promise<void> {
    await sql`update dougong.users set password_hash = ${hash}, password_changed_at = now(), updated_at = now() where id = ${id}`.execute(
      this.db,
    );
  }

  /** Creates a department (under `parentId`). */
  async createDepartment(input: {
    name: string;
    parentId?: string | null;
    headUserId?: string | null;
    sortOrder?: number;
  }): Promise<Department> {
    if (input.parentId) await this.department(input.parentId);
    const { rows } = await sql<
      Record<string, unknown>
    >`insert into dougong.departments (name, parent_id, head_user_id, sort_order)
      values (${input.name}, ${input.parentId ?? null}, ${input.headUserId ?? null}, ${input.sortOrder ?? 0})
      returning id, name, parent_id, head_user_id, sort_order`.execute(this.db);
    return toDepartment(rows[0]!);
  }

  /** A department by id; 404 when absent. */
  async department(id: string): Promise<Department> {
    if (!isUuid(id)) throw new DougongError('NOT_FOUND', 'No such department.');
    const { rows } = await sql<
      Record<string, unknown>
    >`select id, name, parent_id, head_user_id, sort_order from dougong.departments where id = ${id}`.execute(
      this.db,
    );
    if (!rows[0]) throw new DougongError('NOT_FOUND', 'No such department.');
    return toDepartment(rows[0]);
  }

  /** Changes a department; moving it under its own subtree is refused. */
  async updateDepartment(
    id: string,
    patch: { name?: string; parentId?: string | null; headUserId?: string | null; sortOrder?: number },
  ): Promise<Department> {
    await this.department(id);
    if (patch.parentId) {
      const below = await this.subtree([id]);
      if (below.includes(patch.parentId))
        throw new DougongError('VALIDATION_FAILED', undefined, [
          { path: '/parentId', message: 'cannot be the department itself or one below it' },
        ]);
    }
    const sets = [sql`id = id`];
    if (patch.name !== undefined) sets.push(sql`name = ${patch.name}`);
    if (patch.parentId !== undefined) sets.push(sql`parent_id = ${patch.parentId}`);
    if (patch.headUserId !== undefined) sets.push(sql`head_user_id = ${patch.headUserId}`);
    if (patch.sortOrder !== undefined) sets.push(sql`sort_order = ${patch.sortOrder}`);
    const { rows } = await sql<
      Record<string, unknown>
    >`update dougong.departments set ${sql.join(sets)} where id = ${id}
      returning id, name, parent_id, head_user_id, sort_order`.execute(this.db);
    return toDepartment(rows[0]!);
  }

  /** Every department, parents before children. */
  async departments(): Promise<Department[]> {
    const { rows } = await sql<Record<string, unknown>>`with recursive tree as (
        select id, name, parent_id, head_user_id, sort_order, array[sort_order::text || id::text] as path from dougong.departments where parent_id is null
        union all
        select d.id, d.name, d.parent_id, d.head_user_id, d.sort_order, t.path || (d.sort_order::text || d.id::text)
        from dougong.departments d join tree t on d.parent_id = t.id
      ) select id, name, parent_id, head_user_id, sort_order from tree order by path`.execute(this.db);
    return rows.map(toDepartment);
  }

  /** The given departments and all below them. */
  async subtree(ids: readonly string[], db: Db = this.db): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await sql<{ id: string }>`with recursive tree as (
        select id from dougong.departments where id = any(cast(${`{${ids.join(',')}}`} as uuid[]))
        union select d.id from dougong.departments d join tree t on d.parent_id = t.id
      ) select id from tree`.execute(db);
    return rows.map((r) => String(r.id));
  }

  /** Replaces a user's department memberships; exactly one may be primary. */
  async setMemberships(
    userId: string,
    memberships: Array<{ departmentId: string; primary?: boolean }>,
  ): Promise<void> {
    await this.user(userId);
    if (memberships.filter((m) => m.primary).length > 1) {
      throw new DougongError('VALIDATION_FAILED', undefined, [
        { path: '/memberships', message: 'only one membership can be primary' },
      ]);
    }
    for (const m of memberships) await this.department(m.departmentId);
    await this.db.transaction().execute(async (trx) => {
      await sql`delete from dougong.user_departments where user_id = ${userId}`.execute(trx);
      for (const m of memberships) {
        await sql`insert into dougong.user_departments (user_id, department_id, is_primary) values (${userId}, ${m.departmentId}, ${Boolean(m.primary)})`.execute(
          trx,
        );
      }
    });
  }

  /** Replaces a user's roles in one app. */
  async setRoles(userId: string, appKey: string, roleKeys: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await sql`delete from dougong.user_roles where user_id = ${userId} and app_key = ${appKey}`.execute(
        trx,
      );
      for (const role of new Set(roleKeys)) {
        await sql`insert into dougong.user_roles (user_id, app_key, role_key) values (${userId}, ${appKey}, ${role})`.execute(
          trx,
        );
      }
    });
  }

  /** A user's manager: the head of their primary department (or of the nearest department above with a head). */
  async managerOf(userId: string): Promise<string | null> {
    const { rows } = await sql<{ head: string | null }>`with recursive up as (
        select d.id, d.parent_id, d.head_user_id, 0 as depth from dougong.user_departments ud
          join dougong.departments d on d.id = ud.department_id where ud.user_id = ${userId} and ud.is_primary
        union all select d.id, d.parent_id, d.head_user_id, up.depth + 1 from dougong.departments d join up on d.id = up.parent_id
      ) select head_user_id as head from up where head_user_id is not null and head_user_id <> ${userId} order by depth limit 1`.execute(
      this.db,
    );
    return rows[0]?.head ?? null;
  }

  /** Everything needed for access decisions about a user. */
  async grants(userId: string): Promise<UserGrants> {
    const user = await this.user(userId);
    const { rows: memberships } = await sql<{ department_id: string; is_primary: boolean }>`
      select department_id, is_primary from dougong.user_departments where user_id = ${userId} order by is_primary desc, department_id`.execute(
      this.db,
    );
    const departmentIds = memberships.map((m) => String(m.department_id));
    const { rows: roleRows } = await sql<{
      app_key: string;
      role_key: string;
    }>`select app_key, role_key from dougong.user_roles where user_id = ${userId} order by app_key, role_key`.execute(
      this.db,
    );
    const roles: Record<string, string[]> = {};
    for (const r of roleRows) {
      roles[r.app_key] = [...(roles[r.app_key] ?? []), r.role_key];
    }
    return {
      user,
      departmentIds,
      departmentTreeIds: await this.subtree(departmentIds),
      primaryDepartmentId: memberships.find((m) => m.is_primary)
        ? String(memberships.find((m) => m.is_primary)!.department_id)
        : (departmentIds[0] ?? null),
      roles,
    };
  }

  /** Starts a session; returns the secret token (only its hash is stored) and the CSRF token. */
  async createSession(
    userId: string,
    policy: SessionPolicy,
    meta: { userAgent?: string; ip?: string; now?: Date } = {},
  ): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = meta.now ?? new Date();
    const expiresAt = new Date(now.getTime() + policy.absoluteMs);
    await sql`insert into dougong.sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent, ip)
      values (${sha256(token)}, ${userId}, ${csrfToken}, ${now.toISOString()}, ${now.toISOString()}, ${expiresAt.toISOString()},
        ${meta.userAgent?.slice(0, 300) ?? null}, ${meta.ip ?? null})`.execute(this.db);
    return { token, csrfToken, expiresAt };
  }

  /** Checks a session token: live, not past its absolute or idle limit, user active. Refreshes its idle clock. */
  async session(token: string, policy: SessionPolicy, now = new Date()): Promise<SessionInfo | undefined> {
    if (token.length < 20 || token.length > 100) return undefined;
    const id = sha256(token);
    const { rows } = await sql<{
      user_id: string;
      csrf_token: string;
      created_at: Date;
      last_seen_at: Date;
      expires_at: Date;
      revoked_at: Date | null;
      status: string;
    }>`
      select s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, u.status
      from dougong.sessions s join dougong.users u on u.id = s.user_id where s.id = ${id}`.execute(this.db);
    const row = rows[0];
    if (!row || row.revoked_at || row.status !== 'active') return undefined;
    const lastSeen = new Date(row.last_seen_at).getTime();
    if (new Date(row.expires_at).getTime() <= now.getTime() || lastSeen + policy.idleMs <= now.getTime())
      return undefined;
    // Write at most once a minute, so reads stay reads.
    if (now.getTime() - lastSeen > 60_000)
      await sql`update dougong.sessions set last_seen_at = ${now.toISOString()} where id = ${id}`.execute(
        this.db,
      );
    return { userId: String(row.user_id), csrfToken: row.csrf_token, createdAt: new Date(row.created_at) };
  }

  /** Ends one session. */
  async revokeSession(token: string): Promise<void> {
    await sql`update dougong.sessions set revoked_at = now() where id = ${sha256(token)} and revoked_at is null`.execute(
      this.db,
    );
  }

  /** Ends every session of a user (log out everywhere, password change, disabling). */
  async revokeAllSessions(userId: string): Promise<number> {
    const { rows } = await sql<{
      id: string;
    }>`update dougong.sessions set revoked_at = now() where user_id = ${userId} and revoked_at is null returning id`.execute(
      this.db,
    );
    return rows.length;
  }

  /** Creates an API key; the plaintext is returned once and only its hash is stored. */
  async createApiKey(input: {
    name: string;
    userId: string;
    appKeys: string[];
    roleKey: string;
  }): Promise<{ id: string; key: string; prefix: string }> {
    const prefix = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const { rows } = await sql<{
      id: string;
    }>`insert into dougong.api_keys (prefix, key_hash, name, user_id, app_keys, role_key)
      values (${prefix}, ${sha256(secret)}, ${input.name}, ${input.userId}, cast(${`{${input.appKeys.join(',')}}`} as text[]), ${input.roleKey}) returning id`.execute(
      this.db,
    );
    return { id: String(rows[0]!.id), key: `dgk_${prefix}_${secret}`, prefix };
  }

  /** Verifies a bearer API key; revoked, malformed or unknown keys give undefined. Records the last use. */
  async verifyApiKey(key: string, now = new Date()): Promise<ApiKeyInfo | undefined> {
    const match = /^dgk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
    if (!match) return undefined;
    const { rows } = await sql<{
      id: string;
      key_hash: string;
      user_id: string;
      app_keys: string[];
      role_key: string;
      revoked_at: Date | null;
      last_used_at: Date | null;
      status: string;
    }>`
      select k.id, k.key_hash, k.user_id, k.app_keys, k.role_key, k.revoked_at, k.last_used_at, u.status
      from dougong.api_keys k join dougong.users u on u.id = k.user_id where k.prefix = ${match[1]}`.execute(
      this.db,
    );
    const row = rows[0];
    if (!row || row.revoked_at || row.status !== 'active') return undefined;
    const expected = Buffer.from(row.key_hash, 'hex');
    const actual = Buffer.from(sha256(match[2]!), 'hex');
    if (expected.length !== actual.length || !(await import('node:crypto')).timingSafeEqual(expected, actual))
      return undefined;
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
      await sql`update dougong.api_keys set last_used_at = ${now.toISOString()} where id = ${row.id}`.execute(
        this.db,
      );
    }
    return { id: String(row.id), userId: String(row.user_id), appKeys: row.app_keys, roleKey: row.role_key };
  }

  /** Revokes an API key; returns false when it was unknown or already revoked. */
  async revokeApiKey(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { rows } = await sql<{
      id: string;
    }>`update dougong.api_keys set revoked_at = now() where id = ${id} and revoked_at is null returning id`.execute(
      this.db,
    );
    return rows.length > 0;
  }

  /** API keys (metadata only), newest first. */
  async apiKeys(userId?: string): Promise<Array<Record<string, unknown>>> {
    const { rows } = await sql<
      Record<string, unknown>
    >`select id, prefix, name, user_id, app_keys, role_key, created_at, last_used_at, revoked_at
      from dougong.api_keys where ${userId ? sql`user_id = ${userId}` : sql`true`} order by created_at desc`.execute(
      this.db,
    );
    return rows.map((r) => ({
      id: String(r.id),
      prefix: r.prefix,
      name: r.name,
      userId: String(r.user_id),
      appKeys: r.app_keys,
      roleKey: r.role_key,
      createdAt: iso(r.created_at),
      lastUsedAt: r.last_used_at ? iso(r.last_used_at) : null,
      revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
    }));
  }

  /** When a throttled key (e.g. `login:<ip>:<user>`) may try again; undefined when it may now. */
  async blockedUntil(key: string, now = new Date()): Promise<Date | undefined> {
    const { rows } = await sql<{
      blocked_until: Date | null;
    }>`select blocked_until from dougong.auth_throttle where key = ${key}`.execute(this.db);
    const until = rows[0]?.blocked_until ? new Date(rows[0].blocked_until) : undefined;
    return until && until.getTime() > now.getTime() ? until : undefined;
  }

  /**
   * Counts a failure in a 15-minute window. From the 5th failure on, the key is blocked for a delay
   * that doubles with each further failure (1 s, 2 s, 4 s … up to 15 minutes).
   */
  async registerFailure(key: string, now = new Date()): Promise<Date | undefined> {
    const { rows } = await sql<{
      failures: number;
    }>`insert into dougong.auth_throttle as t (key, failures, window_started_at)
      values (${key}, 1, ${now.toISOString()})
      on conflict (key) do update set
        failures = case when t.window_started_at < cast(${now.toISOString()} as timestamptz) - interval '15 minutes' then 1 else t.failures + 1 end,
        window_started_at = case when t.window_started_at < cast(${now.toISOString()} as timestamptz) - interval '15 minutes' then excluded.window_started_at else t.window_started_at end
      returning failures`.execute(this.db);
    const failures = rows[0]?.failures ?? 1;
    if (failures < 5) return undefined;
    const delayMs = Math.min(15 * 60_000, 1000 * 2 ** (failures - 5));
    const until = new Date(now.getTime() + delayMs);
    await sql`update dougong.auth_throttle set blocked_until = ${until.toISOString()} where key = ${key}`.execute(
      this.db,
    );
    return until;
  }

  /** Clears a throttle key after a success. */
  async clearFailures(key: string): Promise<void> {
    await sql`delete from dougong.auth_throttle where key = ${key}`.execute(this.db);
  }

  /** Appends an entry to the audit log (UTC timestamps). */
  async audit(
    action: string,
    entry: {
      actorId?: string | null;
      target?: string | null;
      ip?: string | null;
      details?: Record<string, unknown>;
    } = {},
    db: Db = this.db,
  ): Promise<void> {
    await sql`insert into dougong.audit_log (actor_id, action, target, ip, details)
      values (${entry.actorId ?? null}, ${action}, ${entry.target ?? null}, ${entry.ip ?? null}, cast(${JSON.stringify(entry.details ?? {})} as jsonb))`.execute(
      db,
    );
  }

  /** Audit entries, newest first, with keyset paging by id. */
  async auditLog(
    options: { limit?: number; before?: number; action?: string } = {},
  ): Promise<Array<Record<string, unknown>>> {
    const { rows } = await sql<
      Record<string, unknown>
    >`select id, at, actor_id, action, target, ip, details from dougong.audit_log
      where ${options.before ? sql`id < ${options.before}` : sql`true`} and ${options.action ? sql`action = ${options.action}` : sql`true`}
      order by id desc limit ${Math.min(options.limit ?? 100, 1000)}`.execute(this.db);
    return rows.map((r) => ({
      id: Number(r.id),
      at: iso(r.at),
      actorId: r.actor_id ? String(r.actor_id) : null,
      action: r.action,
      target: r.target,
      ip: r.ip,
      details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
    }));
  }

  /**
   * Creates the first administrator exactly once, however many processes start at the same moment:
   * the installation row is claimed in the same transaction that creates the user.
   * Returns the new user, or undefined when an administrator already exists.
   */
  async ensureFirstAdmin(passwordHash: string): Promise<User | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        id: number;
      }>`insert into dougong.installation (id, admin_created_at) values (1, now())
        on conflict (id) do nothing returning id`.execute(trx);
      if (rows.length === 0) return undefined;
      const admin = await this.createUser(
        {
          login: 'admin',
          name: 'Administrator',
          passwordHash,
          rights: ['editMetadata', 'publish', 'manageUsers', 'viewAudit', 'allData'],
          locale: 'zh-CN',
        },
        trx,
      );
      await this.audit('admin.created', { actorId: null, target: admin.id }, trx);
      return admin;
    });
  }
}

function toDepartment(row: Record<string, unknown>): Department {
  return {
    id: String(row.id),
    name: String(row.name),
    parentId: row.parent_id ? String(row.parent_id) : null,
    headUserId: row.head_user_id ? String(row.head_user_id) : null,
    sortOrder: Number(row.sort_order),
  };
}

function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
