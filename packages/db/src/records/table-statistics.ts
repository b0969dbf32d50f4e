import { sql } from 'kysely';
import type { Db } from './record-reader.js';

/** What this process knows of a database handle's tables, by table name. */
interface TableState {
  /** Rows written since the table was last analysed, by this process. */
  readonly written: Map<string, number>;
  /** Analyses started and not finished yet. */
  readonly running: Map<string, Promise<void>>;
  /** Tables analysed at low resolution by bulk writes, to analyse in full once they are done. */
  readonly coarse: Set<string>;
}

const states = new WeakMap<object, TableState>();

function stateOf(db: Db): TableState {
  let state = states.get(db);
  if (!state) {
    state = { written: new Map(), running: new Map(), coarse: new Set() };
    states.set(db, state);
  }
  return state;
}

/**
 * The statistics target of the analyses during bulk writes: they keep the planner's idea of a growing
 * table's size in step, for which a sample of 3,000 rows does (the default target of 100 samples
 * 30,000 rows and sorts each column's values: 650 ms for a 40,000-lead table, 49 ms at this target).
 * {@link refineStatistics} analyses in full when the writes are done.
 */
const BULK_STATISTICS_TARGET = 10;

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
 * once they reach what the planner last saw (at least 500), starts `analyze` on it. A large
 * import fills a new table much faster than autovacuum analyses it (it looks once a minute), and plans
 * made for an "empty" table turn lookups into scans. Call after the write has committed.
 *
 * The analysis is not awaited: on PostgreSQL it runs on a connection of its own while the next batch
 * is prepared (an analysis of a 100,000-row table takes up to half a second); on PGlite, which has one
 * connection, it runs before the next statement. {@link statisticsSettled} waits for it.
 *
 * @example await noteBulkWrite(db, ['app_sales.t_lead', 'dougong.record_match_keys'], 1000)
 */
export async function noteBulkWrite(db: Db, tables: readonly string[], rows: number): Promise<void> {
  const counts = stateOf(db).written;
  const grown = tables.flatMap((table) => {
    const total = (counts.get(table) ?? 0) + rows;
    counts.set(table, total);
    return total >= MIN_ROWS ? [{ table, ours: total }] : [];
  });
  await analyseWhenGrown(db, grown, false);
}

/**
 * After a run of bulk writes (an import): starts a full-resolution analysis of each table they analysed
 * at low resolution (after the one running on it, if any), without waiting for it
 * ({@link statisticsSettled} does).
 *
 * @example refineStatistics(db)
 */
export function refineStatistics(db: Db): void {
  const { coarse, running } = stateOf(db);
  for (const table of coarse) start(db, table, false, running.get(table));
  coarse.clear();
}

/** Waits until the analyses {@link noteBulkWrite} started on `db` have finished. */
export async function statisticsSettled(db: Db): Promise<void> {
  await Promise.all(stateOf(db).running.values());
}

/**
 * Before a bulk write: analyses the tables whose statistics are out of step already, counting the rows
 * anyone wrote since the last analysis (the server's own counter, which also sees single writes and
 * other processes). Statistics taken while a table was nearly empty, with thousands of rows written
 * since (by single creates, say), make the first batch's plans scan where they should look up — a
 * 1,000-row batch's duplicate links took 11 s that way instead of 25 ms.
 *
 * @example await freshenBeforeBulkWrite(db, ['app_sales.t_lead', 'dougong.record_match_keys'])
 */
export async function freshenBeforeBulkWrite(db: Db, tables: readonly string[]): Promise<void> {
  const counts = stateOf(db).written;
  await analyseWhenGrown(
    db,
    tables.map((table) => ({ table, ours: counts.get(table) ?? 0 })),
    true,
  );
}

/**
 * Analyses each table whose rows written since its last analysis (by this process: `ours`; by anyone:
 * the server's counter) reach its size (at least 500). One catalog query for all of them. A table
 * being analysed already is left alone. With `wait` false the analyses are started, not awaited.
 */
async function analyseWhenGrown(
  db: Db,
  tables: ReadonlyArray<{ table: string; ours: number }>,
  wait: boolean,
): Promise<void> {
  const { written, running: inFlight } = stateOf(db);
  const idle = tables.filter((t) => !inFlight.has(t.table));
  if (idle.length === 0) return;
  const { rows: found } = await sql<{ name: string; n: number; changed: number | null }>`select
      t.name, greatest(c.reltuples, 0)::float8 as n, s.n_mod_since_analyze::float8 as changed
    from json_array_elements_text(cast(${JSON.stringify(idle.map((t) => t.table))} as json)) as t(name)
      join pg_class c on c.oid = to_regclass(t.name)
      left join pg_stat_all_tables s on s.relid = c.oid`.execute(db);
  for (const { table, ours } of idle) {
    const row = found.find((r) => r.name === table);
    if (!row || inFlight.has(table)) continue;
    const since = Math.max(ours, Number(row.changed ?? 0));
    if (since < Math.max(MIN_ROWS, GROWTH * Number(row.n))) continue;
    written.set(table, 0);
    const analysed = start(db, table, true);
    if (wait) await analysed;
  }
}

/**
 * Starts `analyze` on a table (coarse: at the bulk writes' statistics target), after `after` when given;
 * tracked as running until it ends.
 */
function start(db: Db, table: string, coarse: boolean, after?: Promise<void>): Promise<void> {
  const { running, coarse: coarseTables } = stateOf(db);
  const [schema, name] = table.split('.');
  const target = sql.id(schema!, name!);
  // `set local` needs a transaction of its own (a handle inside one analyses at the default target).
  const low = coarse && !db.isTransaction;
  const analyse = (): Promise<unknown> =>
    low
      ? db.transaction().execute(async (trx) => {
          await sql`set local default_statistics_target = ${sql.lit(BULK_STATISTICS_TARGET)}`.execute(trx);
          await sql`analyze ${target}`.execute(trx);
        })
      : sql`analyze ${target}`.execute(db);
  if (low) coarseTables.add(table);
  const analysed = (after ?? Promise.resolve()).then(analyse).then<void, void>(
    () => undefined,
    // Statistics are an optimisation: a failed analysis (the database closing, say) loses nothing,
    // and the server's count of rows changed since the last analysis makes a later check try again.
    () => undefined,
  );
  running.set(table, analysed);
  void analysed.then(() => {
    if (running.get(table) === analysed) running.delete(table);
  });
  return analysed;
}
