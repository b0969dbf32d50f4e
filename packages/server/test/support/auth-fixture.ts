import { IdentityStore, migrateSystem } from '@dougong/db';
import { createTestDatabase, type TestDatabase } from '@dougong/db/testing';
import type { AppDocument } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { buildServer } from '../../src/index.js';

/** The administrator's password in tests. */
export const ADMIN_PASSWORD = 'Admin#2026-secret';

/** A parsed response. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
}

/** A client: anonymous, a browser session (cookie + CSRF token) or an API key. */
export interface Client {
  userId?: string;
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
}

/** A server with an administrator, a controllable clock and login helpers. */
export interface AuthFixture {
  database: TestDatabase;
  app: FastifyInstance;
  identity: IdentityStore;
  clock: { now: () => Date; tick(ms: number): void };
  anonymous: Client;
  admin: Client;
  login(username: string, password: string): Promise<Client>;
  /** Creates a user with a password through the API (as admin) and returns its id. */
  createUser(login: string, extra?: Record<string, unknown>): Promise<string>;
  publish(doc: AppDocument): Promise<void>;
  close(): Promise<void>;
}

function client(app: FastifyInstance, defaults: Record<string, string>, userId?: string): Client {
  return {
    ...(userId ? { userId } : {}),
    async request(method, url, body, headers = {}) {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const response = await app.inject({
        method,
        url,
        headers: {
          ...defaults,
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(payload !== undefined ? { payload } : {}),
      });
      let parsed: unknown;
      try {
        parsed = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        parsed = response.body;
      }
      return { status: response.statusCode, headers: response.headers, body: parsed };
    },
  };
}

/** Builds the fixture: migrated database, first admin, server with a clock at 2026-03-01T02:00:00Z. */
export async function createAuthFixture(): Promise<AuthFixture> {
  const database = await createTestDatabase();
  await migrateSystem(database.db);
  const identity = new IdentityStore(database.db);
  await identity.ensureFirstAdmin(await hashPassword(ADMIN_PASSWORD));
  let now = new Date('2026-03-01T02:00:00Z').getTime();
  const clock = {
    now: () => new Date(now),
    tick: (ms: number) => {
      now += ms;
    },
  };
  const app = await buildServer({ database, now: clock.now, metadataPollMs: 0 });
  const anonymous = client(app, {});
  const login = async (username: string, password: string): Promise<Client> => {
    const response = await anonymous.request('POST', '/api/auth/login', { username, password });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const cookie = String(response.headers['set-cookie']).split(';')[0]!;
    return client(app, { cookie, 'x-csrf-token': response.body.csrfToken }, response.body.user.id);
  };
  const admin = await login('admin', ADMIN_PASSWORD);
  return {
    database,
    app,
    identity,
    clock,
    anonymous,
    admin,
    login,
    async createUser(loginName, extra = {}) {
      const response = await admin.request('POST', '/api/users', {
        login: loginName,
        name: loginName,
        password: 'Passw0rd!x',
        ...extra,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.id as string;
    },
    async publish(doc) {
      const saved = await admin.request('PUT', `/api/apps/${doc.key}/draft`, doc);
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      const published = await admin.request('POST', `/api/apps/${doc.key}/publish`, {});
      expect(published.status, JSON.stringify(published.body)).toBe(200);
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Wraps a client so every request uses a bearer key instead. */
export function bearerClient(app: FastifyInstance, key: string): Client {
  return client(app, { authorization: `Bearer ${key}` });
}
