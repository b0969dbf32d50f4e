import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
