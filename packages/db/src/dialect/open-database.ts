import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';

/** Which engine a {@link DougongDatabase} runs on. */
export type DatabaseKind = 'pglite' | 'postgres';

/**
 * An open database: a Kysely instance plus the engine it runs on.
 * Rows are untyped at this level (`Kysely<any>`): app tables are created from metadata at run time.
 */
export interface DougongDatabase {
  // biome-ignore lint/suspicious/noExplicitAny: table names come from metadata at run time
  readonly db: Kysely<any>;
  readonly kind: DatabaseKind;
  /** Closes the pool (PostgreSQL) or the embedded engine (PGlite). */
  close(): Promise<void>;
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** A PostgreSQL connection string; when absent the embedded PGlite engine is used. */
  url?: string | undefined;
  /** PGlite data directory; absent = in memory. Ignored with `url`. */
  dataDir?: string | undefined;
  /** PGlite: start from a dumped data directory (see `PGlite.dumpDataDir`). */
  loadDataDir?: Blob | undefined;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number | undefined;
}

// Type OIDs whose default JS conversion would lose information or shift time zones.
const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;

const keepText = (value: string): string => value;
const toSafeInteger = (value: string): number => {
  const n = Number(value);
  // Integers outside the safe range would silently round; keep them exact as text instead.
  return Number.isSafeInteger(n) ? n : (value as unknown as number);
};

let pgParsersInstalled = false;
function installPgParsers(): void {
  if (pgParsersInstalled) return;
  pgParsersInstalled = true;
  pg.types.setTypeParser(OID_INT8, toSafeInteger);
  pg.types.setTypeParser(OID_NUMERIC, keepText);
  // DATE must stay `YYYY-MM-DD`: node-pg would build a Date at local midnight.
  pg.types.setTypeParser(OID_DATE, keepText);
}

/**
 * Opens PostgreSQL when `url` is given, else the embedded PGlite engine.
 * Both return the same value shapes: int8 as number, numeric as string, date as `YYYY-MM-DD`,
 * timestamptz as `Date`, and every session runs in UTC.
 *
 * @example
 * const { db, close } = await openDatabase({ url: process.env.DATABASE_URL, dataDir: './data' });
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DougongDatabase> {
  if (options.url) {
    installPgParsers();
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      options: '-c TimeZone=UTC',
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process: the pool
    // replaces it on the next query.
    pool.on('error', (error) => {
      process.emitWarning(`PostgreSQL connection lost: ${error.message}`);
    });
    // The pool's `end` resolves before its connections have closed: `close` waits for them too, so
    // that a database dropped or a server stopped right after sees no connection of ours.
    const ends = new Set<Promise<void>>();
    pool.on('connect', (client) => {
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      ends.add(ended);
      void ended.then(() => ends.delete(ended));
    });
    // Fail fast with a clear message when the server is unreachable.
    const client = await pool.connect();
    client.release();
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      close: async () => {
        await db.destroy();
        await Promise.all(ends);
      },
    };
  }
  const parsers = { [OID_INT8]: toSafeInteger, [OID_NUMERIC]: keepText, [OID_DATE]: keepText };
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers,
  });
  await pglite.exec(`SET TimeZone = 'UTC'`);
  const db = new Kysely({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
