import { createHash } from 'node:crypto';
import { triggerEntityOf } from '@dougong/flows';
import { type AppDocument, appModel, type EntityModel } from '@dougong/schema';
import { type Kysely, type Migration, PostgresQueryCompiler, sql } from 'kysely';
import type { MigrationPlan } from '../planner/plan-types.js';
import { compileFilter } from '../records/filter-sql.js';
import { RECORD_ALIAS } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';

/**
 * Open-record counts per owner, kept by the database (migration `0012_open_counts`).
 *
 * A `least-loaded` assignment compares how many open records each candidate owns. Counting them on
 * every assignment reads every open record of the candidates: a cost that grows with the table (53 ms
 * per 1,000-lead import batch once 100,000 leads are in). Instead, for each assignment node whose open
 * filter is fixed (it reads no flow values and no clock), publishing installs a counter: statement
 * triggers on the entity's table, compiled from the filter, add each statement's change per owner to
 * `open_counts`, and an assignment reads the candidates' rows there. A filter that depends on the time
 * or on the flow's values is counted as before.
 */
export const openCountsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // The counters installed: one per app, table and open filter.
    await sql`create table dougong.open_counters (
        app_key text not null,
        counter text not null,
        entity_id text not null,
        table_schema text not null,
        table_name text not null,
        primary key (app_key, counter)
      )`.execute(db);
    await sql`create table dougong.open_counts (
        app_key text not null,
        counter text not null,
        owner_id uuid not null,
        n bigint not null,
        primary key (app_key, counter, owner_id)
      )`.execute(db);
  },
};

/** A counter: its key and the open filter as a literal SQL predicate over {@link RECORD_ALIAS}. */
export interface OpenCounter {
  key: string;
  entityId: string;
  schema: string;
  table: string;
  predicate: string;
}

// Two clock readings far apart: a filter compiled the same at both reads no clock.
const EPOCH = new Date(0);
const FAR = new Date(Date.UTC(2100, 0, 1));
const BODY_TAG = '$dougong_open$';

/**
 * The counter for records of `model` matching `filter` (null or absent: every live record), or null
 * when the filter cannot be kept by triggers: it depends on the time, or holds a value SQL text cannot
 * carry as a literal.
 */
export function openCounter(model: EntityModel, filter: unknown, timeZone: string): OpenCounter | null {
  let predicate = 'true';
  if (filter !== undefined && filter !== null) {
    try {
      const early = literalSql(compileFilter(model, filter, timeZone, RECORD_ALIAS, EPOCH));
      const late = literalSql(compileFilter(model, filter, timeZone, RECORD_ALIAS, FAR));
      if (early === null || early !== late) return null;
      predicate = early;
    } catch {
      return null;
    }
  }
  if (predicate.includes(BODY_TAG)) return null;
  const key = createHash('sha256')
    .update(`${model.schemaName}\u0000${model.tableName}\u0000${predicate}`)
    .digest('hex')
    .slice(0, 16);
  return { key, entityId: model.entity.id, schema: model.schemaName, table: model.tableName, predicate };
}

/**
 * The open counts of `owners` for the filter, read from its counter (with the counter's key); null when
 * no counter is installed for it (the caller counts the records).
 */
export async function readOpenCounts(
  trx: Db,
  appKey: string,
  model: EntityModel,
  filter: unknown,
  timeZone: string,
  owners: readonly string[],
): Promise<{ counter: string; counts: Map<string, number> } | null> {
  const counter = openCounter(model, filter, timeZone);
  if (!counter) return null;
  const { rows } = await sql<{ owner_id: string | null; n: string | number | null }>`
    select c.owner_id, c.n from dougong.open_counters k
      left join dougong.open_counts c on c.app_key = k.app_key and c.counter = k.counter
        and c.owner_id = any(cast(${`{${owners.join(',')}}`} as uuid[]))
    where k.app_key = ${appKey} and k.counter = ${counter.key}`.execute(trx);
  if (rows.length === 0) return null;
  const counts = new Map<string, number>(
    rows.flatMap((r) => (r.owner_id === null ? [] : [[String(r.owner_id), Number(r.n)]])),
  );
  return { counter: counter.key, counts };
}

/** The counters a document's enabled flows want: one per assignment node with a fixed open filter. */
export function wantedCounters(doc: AppDocument): Map<string, OpenCounter> {
  const model = appModel(doc);
  const timeZone = doc.timeZone ?? 'Asia/Shanghai';
  const out = new Map<string, OpenCounter>();
  for (const flow of doc.flows ?? []) {
    if (flow.enabled === false) continue;
    const entity = model.entitiesById.get(triggerEntityOf(doc, flow) ?? '');
    if (!entity) continue;
    for (const node of flow.nodes) {
      // A filter with a `run` part is bound to each run's values: it is counted on every assignment.
      if (node.kind !== 'assignOwner' || readsRun(node.openFilter)) continue;
      const counter = openCounter(entity, node.openFilter, timeZone);
      if (counter) out.set(counter.key, counter);
    }
  }
  return out;
}

/**
 * Before a publish applies its plan: drops the app's counters that the new document no longer wants,
 * and those on a table the plan changes (their triggers read its columns; they are installed again,
 * and recounted, by {@link installOpenCounters} after the plan).
 */
export async function dropOpenCounters(trx: Db, plan: MigrationPlan, doc: AppDocument): Promise<void> {
  const wanted = wantedCounters(doc);
  const touched = new Set(plan.steps.flatMap(stepTables));
  const { rows } = await sql<{ counter: string; table_schema: string; table_name: string }>`
    select counter, table_schema, table_name from dougong.open_counters where app_key = ${doc.key}`.execute(
    trx,
  );
  for (const row of rows) {
    if (wanted.has(row.counter) && !touched.has(row.table_name)) continue;
    for (const event of EVENTS) {
      const name = triggerName(row.counter, event);
      await sql`drop trigger if exists ${sql.id(name)} on ${sql.id(row.table_schema, row.table_name)}`.execute(
        trx,
      );
      await sql`drop function if exists ${sql.id(row.table_schema, name)}()`.execute(trx);
    }
    await sql`delete from dougong.open_counts where app_key = ${doc.key} and counter = ${row.counter}`.execute(
      trx,
    );
    await sql`delete from dougong.open_counters where app_key = ${doc.key} and counter = ${row.counter}`.execute(
      trx,
    );
  }
}

/**
 * After a publish applies its plan: installs the counters the document wants and does not have yet,
 * each counted from the table (locked against writes meanwhile).
 */
export async function installOpenCounters(trx: Db, doc: AppDocument): Promise<void> {
  const { rows } = await sql<{ counter: string }>`
    select counter from dougong.open_counters where app_key = ${doc.key}`.execute(trx);
  const have = new Set(rows.map((r) => r.counter));
  for (const counter of wantedCounters(doc).values()) {
    if (have.has(counter.key)) continue;
    const table = sql.id(counter.schema, counter.table);
    await sql`lock table ${table} in share row exclusive mode`.execute(trx);
    for (const event of EVENTS) {
      const name = triggerName(counter.key, event);
      const fn = sql.id(counter.schema, name);
      const body = `begin ${event.body(doc.key, counter)} return null; end`;
      await sql`create function ${fn}() returns trigger language plpgsql as ${sql.raw(`${BODY_TAG}${body}${BODY_TAG}`)}`.execute(
        trx,
      );
      await sql`create trigger ${sql.id(name)} after ${sql.raw(event.on)} on ${table}
        referencing ${sql.raw(event.tables)} for each statement execute function ${fn}()`.execute(trx);
    }
    await sql`insert into dougong.open_counters (app_key, counter, entity_id, table_schema, table_name)
      values (${doc.key}, ${counter.key}, ${counter.entityId}, ${counter.schema}, ${counter.table})`.execute(
      trx,
    );
    await sql`insert into dougong.open_counts (app_key, counter, owner_id, n)
      select ${doc.key}, ${counter.key}, ${sql.ref(`${RECORD_ALIAS}.owner_id`)}, count(*)
      from ${table} as ${sql.id(RECORD_ALIAS)}
      where ${sql.raw(live(counter))}
      group by 3`.execute(trx);
  }
}

/** The name of a counter's trigger for one event, and of its function (in the table's schema). */
const triggerName = (counter: string, event: { suffix: string }) => `dougong_open_${counter}_${event.suffix}`;

const alias = `"${RECORD_ALIAS}"`;
const live = (counter: OpenCounter) =>
  `${alias}.deleted_at is null and ${alias}.owner_id is not null and (${counter.predicate})`;

// Adds per-owner changes (`select owner_id, n`) to the counts, owners in order so that concurrent
// writers take the count rows in the same order.
const addCounts = (appKey: string, counter: OpenCounter, changes: string) =>
  `insert into dougong.open_counts as c (app_key, counter, owner_id, n)
    select ${quote(appKey)}, ${quote(counter.key)}, d.owner_id, d.n from (${changes}) d order by d.owner_id
    on conflict (app_key, counter, owner_id) do update set n = c.n + excluded.n;`;

const EVENTS = [
  {
    suffix: 'i',
    on: 'insert',
    tables: 'new table as dougong_new',
    body: (appKey: string, counter: OpenCounter) =>
      addCounts(
        appKey,
        counter,
        `select ${alias}.owner_id, count(*) as n from dougong_new as ${alias} where ${live(counter)} group by 1`,
      ),
  },
  {
    suffix: 'u',
    on: 'update',
    tables: 'old table as dougong_old new table as dougong_new',
    body: (appKey: string, counter: OpenCounter) =>
      addCounts(
        appKey,
        counter,
        `select owner_id, sum(n) as n from (
          select ${alias}.owner_id, 1 as n from dougong_new as ${alias} where ${live(counter)}
          union all
          select ${alias}.owner_id, -1 as n from dougong_old as ${alias} where ${live(counter)}) x
        group by 1 having sum(n) <> 0`,
      ),
  },
  {
    suffix: 'd',
    on: 'delete',
    tables: 'old table as dougong_old',
    body: (appKey: string, counter: OpenCounter) =>
      addCounts(
        appKey,
        counter,
        `select ${alias}.owner_id, -count(*) as n from dougong_old as ${alias} where ${live(counter)} group by 1`,
      ),
  },
];

/**
 * The table of a plan step that changes or moves columns a trigger may read (archive, restore,
 * convert); steps that add columns, indexes or rewrite values through updates leave triggers working.
 */
function stepTables(step: MigrationPlan['steps'][number]): string[] {
  switch (step.kind) {
    case 'archiveTable':
    case 'restoreTable':
    case 'archiveColumn':
    case 'restoreColumn':
    case 'convertColumn':
      return [step.table];
    default:
      return [];
  }
}

function readsRun(filter: unknown): boolean {
  if (Array.isArray(filter)) return filter.some(readsRun);
  if (filter && typeof filter === 'object')
    return Object.entries(filter).some(([k, v]) => k === 'run' || readsRun(v));
  return false;
}

const compiler = new PostgresQueryCompiler();

/**
 * The SQL text of an expression with its parameters written as literals; null when a parameter is of
 * a kind that has no literal here.
 */
function literalSql(expression: { toOperationNode(): unknown }): string | null {
  const compiled = compiler.compileQuery(expression.toOperationNode() as never, { queryId: 'open' } as never);
  let ok = true;
  const text = compiled.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const literal = sqlLiteral(compiled.parameters[Number(n) - 1]);
    if (literal === null) ok = false;
    return literal ?? 'null';
  });
  return ok ? text : null;
}

function sqlLiteral(value: unknown): string | null {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? `(${value})` : null;
  if (typeof value === 'bigint') return `(${value})`;
  if (typeof value === 'string') return value.includes('\u0000') ? null : quote(value);
  if (value instanceof Date) return quote(value.toISOString());
  if (Array.isArray(value)) {
    const text = arrayText(value);
    return text === null ? null : quote(text);
  }
  return null;
}

// An array in Postgres's text form (`{"a","b"}`), as the driver sends an array parameter.
function arrayText(values: readonly unknown[]): string | null {
  const items: string[] = [];
  for (const v of values) {
    if (v === null || v === undefined) items.push('NULL');
    else if (Array.isArray(v)) {
      const inner = arrayText(v);
      if (inner === null) return null;
      items.push(inner);
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      const s = String(v);
      if (s.includes('\u0000')) return null;
      items.push(`"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
    } else return null;
  }
  return `{${items.join(',')}}`;
}

/** A string literal that reads the same whatever `standard_conforming_strings` says. */
const quote = (s: string) => `E'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
