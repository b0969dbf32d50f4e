import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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
  if (!baseUrl) {
    // A dump made once per test run (see the global setup) loads in a fraction of an initdb.
    const template = process.env.DOUGONG_PGLITE_TEMPLATE;
    return openDatabase(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {});
  }
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
        // `close()` has waited for the pool's connections to end: FORCE only reaches connections a
        // test opened itself and left open.
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * Writes a dump of an empty PGlite cluster to `path`, for {@link createTestDatabase} to load through
 * `DOUGONG_PGLITE_TEMPLATE`: loading takes a fraction of a fresh initdb.
 */
export async function writePgliteTemplate(path: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create();
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
}
