import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DougongDatabase, openDatabase } from '../dialect/open-database.js';

/** A database made for one test file, dropped again by `close()`. */
export interface TestDatabase extends DougongDatabase {
  /** The connection string of the throwaway database (PostgreSQL only). */
  readonly url?: string;
}

/** True when the test run targets PostgreSQL (`DATABASE_URL` set), else PGlite. */
export function testTargetsPostgres(): boolean {
  return Boolean(process.env.DATABASE_URL);
}

/**
 * Creates an empty, isolated database for a test: a fresh PostgreSQL database beside
 * `DATABASE_URL` when it is set, else an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) return openDatabase({});
  const name = `dg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize: 12 });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
