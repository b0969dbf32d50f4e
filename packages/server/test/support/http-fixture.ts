import { IdentityStore, migrateSystem } from '@dougong/db';
import { createTestDatabase, type TestDatabase } from '@dougong/db/testing';
import type { AppDocument } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { buildServer } from '../../src/index.js';

const FIXTURE_ADMIN_PASSWORD = 'Fixture-admin-2026';

/** A parsed response of {@link HttpFixture.api}. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
  text: string;
}

/** A controllable clock: tests move time, never sleep. */
export interface TestClock {
  now: () => Date;
  set(iso: string): void;
  tick(ms: number): void;
}

/** One database, one server and helpers, shared by the tests of one file. */
export interface HttpFixture {
  database: TestDatabase;
  app: FastifyInstance;
  clock: TestClock;
  /** The administrator every request runs as (unless a test sends other credentials). */
  adminId: string;
  /** Cookie and CSRF headers of the administrator's session, for requests over a real socket. */
  adminHeaders: Record<string, string>;
  /** Sends a request through `app.inject()`; objects are sent as JSON, strings as they are. */
  api(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /** Saves `doc` as the draft and publishes it; fails the test unless both succeed. */
  publish(doc: AppDocument): Promise<number>;
  /** Every row of an app table (archived columns included), ordered by id. */
  tableRows(appKey: string, entityId: string): Promise<Array<Record<string, unknown>>>;
  /** Column names of an app table, sorted. */
  columns(appKey: string, entityId: string): Promise<string[]>;
  /** Everything a request could have written, for "the database is unchanged" assertions. */
  fingerprint(appKey: string): Promise<string>;
  close(): Promise<void>;
}

/** Creates a migrated database and a server over it, with a clock starting at 2026-03-01T02:00:00Z. */
export async function createHttpFixture(
  serverOptions: Partial<Parameters<typeof buildServer>[0]> = {},
): Promise<HttpFixture> {
  const database = await createTestDatabase();
  await migrateSystem(database.db);
  let current = new Date('2026-03-01T02:00:00Z').getTime();
  const clock: TestClock = {
    now: () => new Date(current),
    set: (iso) => {
      current = new Date(iso).getTime();
    },
    tick: (ms) => {
      current += ms;
    },
  };
  const app = await buildServer({ database, now: clock.now, metadataPollMs: 0, ...serverOptions });
  const { db } = database;
  // Every request runs as the administrator unless the test overrides the credentials.
  await new IdentityStore(db).ensureFirstAdmin(await hashPassword(FIXTURE_ADMIN_PASSWORD));
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username: 'admin', password: FIXTURE_ADMIN_PASSWORD }),
  });
  expect(login.statusCode, login.body).toBe(200);
  const adminId = (JSON.parse(login.body) as { user: { id: string } }).user.id;
  const adminHeaders = {
    cookie: String(login.headers['set-cookie']).split(';')[0]!,
    'x-csrf-token': (JSON.parse(login.body) as { csrfToken: string }).csrfToken,
  };

  const api: HttpFixture['api'] = async (method, url, body, headers = {}) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await app.inject({
      method,
      url,
      headers: {
        ...adminHeaders,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(payload === undefined ? {} : { payload }),
    });
    let parsed: unknown;
    try {
      parsed = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
  };

  const tableRows = async (appKey: string, entityId: string) =>
    (await db
      .withSchema(`app_${appKey}`)
      .selectFrom(`t_${entityId}`)
      .selectAll()
      .orderBy('id')
      .execute()) as Array<Record<string, unknown>>;

  const columns = async (appKey: string, entityId: string) =>
    (
      await db
        .withSchema('information_schema')
        .selectFrom('columns')
        .select('column_name')
        .where('table_schema', '=', `app_${appKey}`)
        .where('table_name', '=', `t_${entityId}`)
        .execute()
    )
      .map((r) => String(r.column_name))
      .sort();

  const fingerprint = async (appKey: string) => {
    const tables = await db
      .withSchema('information_schema')
      .selectFrom('tables')
      .select('table_name')
      .where('table_schema', '=', `app_${appKey}`)
      .orderBy('table_name')
      .execute();
    const parts: Record<string, unknown> = {};
    for (const { table_name } of tables) {
      const name = String(table_name).replace(/^t_/, '');
      parts[name] = { columns: await columns(appKey, name), rows: await tableRows(appKey, name) };
    }
    for (const system of [
      'apps',
      'app_versions',
      'archived_columns',
      'record_history',
      'auto_number_counters',
    ])
      parts[system] = await db.withSchema('dougong').selectFrom(system).selectAll().execute();
    return JSON.stringify(parts);
  };

  return {
    database,
    app,
    clock,
    adminId,
    adminHeaders,
    api,
    tableRows,
    columns,
    fingerprint,
    async publish(doc) {
      const saved = await api('PUT', `/api/apps/${doc.key}/draft`, doc);
      expect(saved.status, saved.text).toBe(200);
      const published = await api('POST', `/api/apps/${doc.key}/publish`, {});
      expect(published.status, published.text).toBe(200);
      return published.body.version as number;
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A deep copy, so a test can edit a fixture document freely. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
