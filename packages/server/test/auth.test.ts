import { IdentityStore, migrateSystem } from '@dougong/db';
import { createTestDatabase } from '@dougong/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/password.js';
import { ADMIN_PASSWORD, type AuthFixture, bearerClient, createAuthFixture } from './support/auth-fixture.js';

describe('authentication', () => {
  let fx: AuthFixture;
  beforeAll(async () => {
    fx = await createAuthFixture();
  });
  afterAll(async () => fx?.close());

  const count = async (table: string) =>
    Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`dougong.${table}`)}`.execute(
          fx.database.db,
        )
      ).rows[0]!.n,
    );

  it('answers 401 without credentials and lets /api/health through', async () => {
    expect((await fx.anonymous.request('GET', '/api/apps')).status).toBe(401);
    expect((await fx.anonymous.request('GET', '/api/health')).status).toBe(200);
  });

  it('logs in with a session cookie that is HttpOnly and SameSite=Lax, and stores no plaintext', async () => {
    const response = await fx.anonymous.request('POST', '/api/auth/login', {
      username: 'ADMIN',
      password: ADMIN_PASSWORD,
    });
    expect(response.status).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^dg_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const { rows } = await sql<{ id: string }>`select id from dougong.sessions`.execute(fx.database.db);
    expect(rows.some((r) => r.id === token)).toBe(false);
    const { rows: users } = await sql<{
      password_hash: string;
    }>`select password_hash from dougong.users where login = 'admin'`.execute(fx.database.db);
    expect(users[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(response.body.user).not.toHaveProperty('passwordHash');
  });

  it('reports who is signed in', async () => {
    const me = await fx.admin.request('GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.login).toBe('admin');
    expect(me.body.rights).toEqual(expect.arrayContaining(['manageUsers', 'publish', 'allData']));
  });

  it('refuses a cookie-authenticated write without the CSRF token and writes nothing', async () => {
    const before = await count('users');
    const cookieOnly = await fx.admin.request(
      'POST',
      '/api/users',
      { login: 'nocsrf', name: 'x', password: 'Passw0rd!x' },
      { 'x-csrf-token': '' },
    );
    expect(cookieOnly.status).toBe(403);
    expect(cookieOnly.body.error.details[0].path).toBe('/headers/x-csrf-token');
    expect(await count('users')).toBe(before);
  });

  it('throttles 20 wrong passwords with 429 and Retry-After, and audits the failures', async () => {
    await fx.createUser('victim');
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 20; i += 1) {
      const response = await fx.anonymous.request('POST', '/api/auth/login', {
        username: 'victim',
        password: `wrong-${i}`,
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers['retry-after'];
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Even the right password is refused while blocked.
    expect(
      (await fx.anonymous.request('POST', '/api/auth/login', { username: 'victim', password: 'Passw0rd!x' }))
        .status,
    ).toBe(429);
    const failures = await fx.admin.request('GET', '/api/audit?action=auth.login_failed');
    expect(failures.body.items.length).toBeGreaterThanOrEqual(5);
    expect(failures.body.items[0].at).toMatch(/Z$/);
  });

  it('logs out one session or all of them', async () => {
    await fx.createUser('roamer');
    const a = await fx.login('roamer', 'Passw0rd!x');
    const b = await fx.login('roamer', 'Passw0rd!x');
    expect((await a.request('POST', '/api/auth/logout')).status).toBe(200);
    expect((await a.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await b.request('GET', '/api/auth/me')).status).toBe(200);
    const c = await fx.login('roamer', 'Passw0rd!x');
    expect((await c.request('POST', '/api/auth/logout-all')).status).toBe(200);
    expect((await b.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await c.request('GET', '/api/auth/me')).status).toBe(401);
  });

  it('changes a password (old sessions end) and lets an admin reset one', async () => {
    const id = await fx.createUser('changer');
    const first = await fx.login('changer', 'Passw0rd!x');
    const other = await fx.login('changer', 'Passw0rd!x');
    expect(
      (
        await first.request('POST', '/api/auth/password', {
          currentPassword: 'nope',
          newPassword: 'N3w-password',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await first.request('POST', '/api/auth/password', {
          currentPassword: 'Passw0rd!x',
          newPassword: 'short',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await first.request('POST', '/api/auth/password', {
          currentPassword: 'Passw0rd!x',
          newPassword: 'N3w-password',
        })
      ).status,
    ).toBe(200);
    expect((await other.request('GET', '/api/auth/me')).status).toBe(401);
    await fx.login('changer', 'N3w-password');
    expect(
      (await fx.admin.request('POST', `/api/users/${id}/reset-password`, { newPassword: 'Reset-2026x' }))
        .status,
    ).toBe(200);
    await fx.login('changer', 'Reset-2026x');
  });

  it('issues API keys shown once, stored hashed, recording last use, and refuses them once revoked', async () => {
    const doc = {
      schemaVersion: 1,
      key: 'keys',
      label: { en: 'Keys' },
      entities: [
        {
          id: 'note',
          key: 'note',
          label: { en: 'Note' },
          fields: [{ id: 'text', key: 'text', type: 'text', label: { en: 'Text' } }],
        },
      ],
      roles: [
        {
          key: 'writer',
          label: { en: 'Writer' },
          grants: [{ entity: 'note', actions: ['create', 'read'], scope: 'own' }],
        },
      ],
    } as const;
    await fx.publish(doc as never);
    const created = await fx.admin.request('POST', '/api/api-keys', {
      name: 'ERP sync',
      appKeys: ['keys'],
      roleKey: 'writer',
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^dgk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const { rows } = await sql<{
      key_hash: string;
    }>`select key_hash from dougong.api_keys where id = ${created.body.id}`.execute(fx.database.db);
    // The secret part may itself contain "_" (base64url): everything after the key id.
    const secret = /^dgk_[0-9a-f]{12}_(.+)$/.exec(created.body.key)![1]!;
    expect(rows[0]!.key_hash).not.toContain(secret);
    const listed = await fx.admin.request('GET', '/api/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    const integration = bearerClient(fx.app, created.body.key);
    const note = await integration.request('POST', '/api/apps/keys/entities/note/records', {
      text: 'from ERP',
    });
    expect(note.status).toBe(201);
    // The key acts with its role only: no system rights.
    expect((await integration.request('GET', '/api/users')).status).toBe(403);
    const used = await fx.admin.request('GET', '/api/api-keys');
    expect(used.body.items.find((k: { id: string }) => k.id === created.body.id).lastUsedAt).not.toBeNull();
    expect((await fx.admin.request('DELETE', `/api/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await integration.request('GET', '/api/apps/keys/entities/note/records')).status).toBe(401);
    const audit = await fx.admin.request('GET', '/api/audit');
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['api_key.created', 'api_key.revoked', 'auth.login', 'user.created']),
    );
  });

  it('keeps the audit log append-only', async () => {
    await expect(sql`update dougong.audit_log set action = 'x'`.execute(fx.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from dougong.audit_log`.execute(fx.database.db)).rejects.toThrow(/append-only/);
  });

  it('sends security headers and never echoes internals', async () => {
    const response = await fx.anonymous.request('GET', '/api/health');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('session lifetime', () => {
  let fx: AuthFixture;
  beforeAll(async () => {
    fx = await createAuthFixture();
  });
  afterAll(async () => fx?.close());

  it('ends sessions after 30 idle minutes and after 12 hours in all', async () => {
    const id = await fx.createUser('sleepy');
    const session = await fx.login('sleepy', 'Passw0rd!x');
    fx.clock.tick(29 * 60_000);
    expect((await session.request('GET', '/api/auth/me')).status).toBe(200);
    fx.clock.tick(29 * 60_000);
    expect((await session.request('GET', '/api/auth/me')).status).toBe(200);
    fx.clock.tick(31 * 60_000);
    expect((await session.request('GET', '/api/auth/me')).status).toBe(401);
    const busy = await fx.login('sleepy', 'Passw0rd!x');
    for (let i = 0; i < 25; i += 1) {
      fx.clock.tick(29 * 60_000);
      const status = (await busy.request('GET', '/api/auth/me')).status;
      if (i < 24) expect(status).toBe(200);
      else expect(status).toBe(401);
    }
    expect(id).toBeTruthy();
  });
});

describe('first start', () => {
  it('creates exactly one administrator under 20 concurrent attempts', async () => {
    const database = await createTestDatabase();
    try {
      await migrateSystem(database.db);
      const hash = await hashPassword('Concurrent-1st');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => new IdentityStore(database.db).ensureFirstAdmin(hash)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.users`.execute(
        database.db,
      );
      expect(rows[0]!.n).toBe(1);
    } finally {
      await database.close();
    }
  });
});
