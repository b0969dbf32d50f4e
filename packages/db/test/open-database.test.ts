import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

describe('openDatabase', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('reports the engine it runs on', () => {
    expect(handle.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  });

  it('returns the same value shapes on both engines', async () => {
    const { rows } = await sql<{
      d: unknown;
      n: unknown;
      i: unknown;
      t: unknown;
    }>`select date '2026-03-01' as d, 12.345::numeric(10,3) as n, 42::int8 as i, timestamptz '2026-03-01 00:00:00+08' as t`.execute(
      handle.db,
    );
    const row = rows[0]!;
    expect(row.d).toBe('2026-03-01');
    expect(row.n).toBe('12.345');
    expect(row.i).toBe(42);
    expect(row.t).toBeInstanceOf(Date);
    expect((row.t as Date).toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'has closed every connection when close() resolves: a forced drop right after reaches none (PostgreSQL)',
    async () => {
      const name = `dg_close_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const lost: string[] = [];
      const onWarning = (warning: Error) => {
        if (warning.message.includes('connection lost')) lost.push(warning.message);
      };
      process.on('warning', onWarning);
      try {
        for (let round = 0; round < 3; round++) {
          await admin.query(`create database ${name}`);
          const url = new URL(process.env.DATABASE_URL!);
          url.pathname = `/${name}`;
          const other = await openDatabase({ url: url.toString(), poolSize: 4 });
          await Promise.all([1, 2, 3, 4].map(() => sql`select pg_sleep(0.02)`.execute(other.db)));
          await other.close();
          // A connection still open when FORCE terminates it reports itself lost.
          await admin.query(`drop database ${name} with (force)`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(lost).toEqual([]);
      } finally {
        process.off('warning', onWarning);
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  );
});
