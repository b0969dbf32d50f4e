import {
  AppStore,
  type ExternalPerformers,
  FlowRuntime,
  migrateSystem,
  openDatabase,
  RecordRepository,
} from '@dougong/db';
import type { AppDocument } from '@dougong/schema';
import { FlowWorker } from '@dougong/server';
import { sql } from 'kysely';
import pg from 'pg';

/** Options of {@link runFlowsBench}. */
export interface FlowsBenchOptions {
  kind: 'pglite' | 'postgres';
  /** PostgreSQL server URL (a throwaway database is created beside it). */
  url?: string;
  /** Record-created triggers (default 10,000). */
  runs?: number;
  /** Worker processes' worth of runtimes in this process (PostgreSQL only; default 2). */
  workers?: number;
  log: (line: string) => void;
}

const L = (en: string) => ({ en });

function flowsApp(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'fbench',
    label: L('Flow bench'),
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: L('Lead'),
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('Name') },
          { id: 'email', key: 'email', type: 'email', label: L('Email') },
        ],
      },
    ],
    flows: [
      {
        id: 'five',
        key: 'five',
        label: L('Five nodes'),
        trigger: { kind: 'recordCreated', entity: 'lead' },
        start: 'check',
        nodes: [
          {
            id: 'check',
            kind: 'condition',
            branches: [{ condition: { '!!': [{ var: 'record.email' }] }, next: 'task' }],
            else: 'task',
          },
          {
            id: 'task',
            kind: 'createTask',
            title: 'Call {{record.name}}',
            dueInMinutes: 1440,
            next: 'inbox',
          },
          {
            id: 'inbox',
            kind: 'notify',
            channel: 'inbox',
            to: '00000000-0000-4000-8000-000000000001',
            title: 'New lead',
            text: '{{record.name}}',
            next: 'mail',
          },
          {
            id: 'mail',
            kind: 'sendEmail',
            to: { var: 'record.email' },
            subject: 'Welcome {{record.name}}',
            body: '<p>Hi</p>',
            next: 'end',
          },
          { id: 'end', kind: 'end' },
        ],
      },
    ],
  } as AppDocument;
}

// The e-mail goes nowhere: the bench measures the engine (claims, leases, effect keys, commits), not SMTP.
const NULL_PERFORMERS: ExternalPerformers = {
  sendEmail: async (_mail, key) => ({ messageId: key }),
  httpRequest: async () => ({ status: 200, body: null }),
  robot: async () => ({ errcode: 0 }),
};

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

/**
 * Pushes N record-created triggers through a five-node flow (condition, create task, in-app notice,
 * e-mail, end) while workers run, and prints steps per second and the lag from the triggering commit
 * to the run's first step (p50 / p95 / max).
 */
export async function runFlowsBench(options: FlowsBenchOptions): Promise<void> {
  const runs = options.runs ?? 10_000;
  const { log } = options;
  let url: string | undefined;
  let drop = async () => undefined;
  if (options.kind === 'postgres') {
    const name = `dg_flows_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(options.url!);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: options.url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const database = await openDatabase({ url, poolSize: 24 });
  try {
    await migrateSystem(database.db);
    const store = new AppStore(database.db);
    await store.saveDraft('fbench', flowsApp(), { actor: null });
    await store.publish('fbench', { actor: null });
    const { model } = await store.publishedModel('fbench');
    const repo = new RecordRepository(database.db, model);
    const lead = repo.entity('lead');
    const pgMode = options.kind === 'postgres';
    const workers = Array.from(
      { length: pgMode ? (options.workers ?? 2) : 1 },
      (_, i) =>
        new FlowWorker(
          new FlowRuntime({
            db: database.db,
            store,
            external: NULL_PERFORMERS,
            workerId: `bench-${i}`,
            batchSize: pgMode ? 32 : 50,
            concurrency: pgMode ? 8 : 1,
          }),
          { pollMs: 5 },
        ),
    );
    const started = performance.now();
    for (const w of workers) w.start();
    const writers = pgMode ? 8 : 1;
    await Promise.all(
      Array.from({ length: writers }, async (_, lane) => {
        for (let i = lane; i < runs; i += writers)
          await repo.create(lead, { name: `L${i}`, email: `l${i}@example.cn` }, { userId: null });
      }),
    );
    const inserted = performance.now();
    const done = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from dougong.flow_runs where status <> 'running'`.execute(database.db)
        ).rows[0]!.n,
      );
    while ((await done()) < runs) await new Promise((r) => setTimeout(r, 50));
    const finished = performance.now();
    const { rows: steps } = await sql<{ n: number; ok: number }>`select count(*)::int as n,
      count(*) filter (where attempts = 1)::int as ok from dougong.flow_steps`.execute(database.db);
    const { rows: lag } = await sql<{
      ms: number;
    }>`select extract(epoch from (s.started_at - e.created_at)) * 1000 as ms
      from dougong.flow_runs r join dougong.flow_steps s on s.run_id = r.id and s.node_id = 'check'
      join dougong.flow_events e on r.trigger_key = 'event:' || e.id`.execute(database.db);
    const lags = lag.map((r) => Number(r.ms));
    // Unloaded latency: single writes with the workers idle, each waiting for its run's first step.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await repo.create(
        lead,
        { name: `idle${i}`, email: `idle${i}@example.cn` },
        { userId: null },
      );
      const t = performance.now();
      for (;;) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.flow_runs r
          join dougong.flow_steps s on s.run_id = r.id where r.record_id = ${created.id} and s.started_at is not null`.execute(
          database.db,
        );
        if (Number(rows[0]!.n) > 0) break;
        await new Promise((r) => setTimeout(r, 1));
      }
      idle.push(performance.now() - t);
    }
    for (const w of workers) await w.stop();
    const seconds = (finished - started) / 1000;
    log(
      `${options.kind.padEnd(8)} ${runs.toLocaleString()} runs, ${steps[0]!.n.toLocaleString()} steps (${steps[0]!.ok.toLocaleString()} on the first attempt) in ${seconds.toFixed(1)} s` +
        ` (writes done at ${((inserted - started) / 1000).toFixed(1)} s): ${(steps[0]!.n / seconds).toFixed(0)} steps/s;` +
        ` commit → first step under this load p50 ${pct(lags, 0.5).toFixed(0)} ms, p95 ${pct(lags, 0.95).toFixed(0)} ms;` +
        ` unloaded (single writes) p50 ${pct(idle, 0.5).toFixed(0)} ms, max ${Math.max(...idle).toFixed(0)} ms`,
    );
  } finally {
    await database.close();
    await drop();
  }
}
