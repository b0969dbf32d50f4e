import { sql } from 'kysely';
import type { Db } from './record-reader.js';

// Rows written since a table was last analysed, per database handle and table, by this process.
const written = new WeakMap<object, Map<string, number>>();

/** Below this many new rows a table is not analysed here (autovacuum's own threshold is 50 + 10%). */
const MIN_ROWS = 500;
/**
 * A table is analysed once the rows written since the last analysis reach this share of its estimated
 * size: the estimate stays within a factor of two, which does not change the import's plans, and a
 * 100,000-row import analyses a table about 8 times (each analysis samples up to 30,000 rows).
 */
const GROWTH = 1;

/**
 * Keeps the planner's statistics in step with a bulk write: counts the rows written to each table and,
 * once they reach what the planner last saw (at least 500), runs `analyze` on it. A large
 * import fills a new table much faster than autovacuum analyses it (it looks once a minute), and plans
 * made for an "empty" table turn lookups into scans. Call after the write has committed.
 *
 * @example await noteBulkWrite(db, ['app_sales.t_lead', 'dougong.record_match_keys'], 1000)
 */
export async function noteBulkWrite(db: Db, tables: readonly string[], rows: number): Promise<void> {
  let counts = written.get(db);
  if (!counts) {
    counts = new Map();
    written.set(db, counts);
  }
  for (const table of tables) {
    const total = (counts.get(table) ?? 0) + rows;
    counts.set(table, total);
    if (total < MIN_ROWS) continue;
    const { rows: found } = await sql<{ n: number }>`select greatest(reltuples, 0)::float8 as n
      from pg_class where oid = to_regclass(${table})`.execute(db);
    if (!found[0] || total < Math.max(MIN_ROWS, GROWTH * Number(found[0].n))) continue;
    const [schema, name] = table.split('.');
    await sql`analyze ${sql.id(schema!, name!)}`.execute(db);
    counts.set(table, 0);
  }
}
