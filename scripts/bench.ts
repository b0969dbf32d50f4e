// `pnpm bench`: benchmarks, not tests. Each prints ratios against a baseline measured in the same run.
// Options: BENCH_ROWS (default 1,000,000), BENCH_SECONDS (load duration, default 10),
// BENCH_ONLY=records|rules|flows|web|import, IMPORT_BENCH_ROWS (default 100,000), DATABASE_URL (else PostgreSQL on 127.0.0.1:5432 if it answers).
import { openDatabase } from '@dougong/db';
import pg from 'pg';
import { runRecordsBench } from './bench/records-bench.js';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const only = process.env.BENCH_ONLY;
const log = (line: string) => process.stdout.write(`${line}\n`);

async function postgresUrl(): Promise<string | undefined> {
  for (const url of [process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/test']) {
    if (!url) continue;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return url;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

const pgUrl = await postgresUrl();
log(
  `Dougong benchmarks: ${rows.toLocaleString()} rows; PostgreSQL ${pgUrl ? 'available' : 'not available (PGlite only)'}`,
);

if (!only || only === 'records') {
  log('\n# Records API: filtered + sorted page, and load against bare Fastify + the same SQL');
  await runRecordsBench({ kind: 'pglite', rows, seconds, log });
  if (pgUrl) await runRecordsBench({ kind: 'postgres', url: pgUrl, rows, seconds, log });
}

if (!only || only === 'rules') {
  log('\n# Rule engine: assignment + scoring over records; SQL vs fetching and filtering in JS');
  const { runRulesBench } = await import('./bench/rules-bench.js');
  const database = pgUrl ? await openDatabase({ url: pgUrl }) : undefined;
  try {
    await runRulesBench({ rows, log, ...(database ? { db: database.db } : {}) });
  } finally {
    await database?.close();
  }
}

if (!only || only === 'web') {
  log('\n# Web app: first load');
  const { runWebBench } = await import('./bench/web-bench.js');
  await runWebBench({ log });
}

if (!only || only === 'flows') {
  log(
    '\n# Flow engine: record-created triggers through a five-node flow; steps/s and commit → first step lag',
  );
  const { runFlowsBench } = await import('./bench/flows-bench.js');
  const runs = Number(process.env.BENCH_FLOW_RUNS ?? 10_000);
  await runFlowsBench({ kind: 'pglite', runs, log });
  if (pgUrl) await runFlowsBench({ kind: 'postgres', url: pgUrl, runs, log });
}

if (!only || only === 'import') {
  log(
    '\n# CSV import: 1% bad rows, 1% duplicates, into the sales template (validation, form rules, dedupe, assignment and scoring, history, duplicate keys, flow events); batched vs row by row, then a sample of the follow-up flows',
  );
  // Each database in a process of its own: a 100,000-row run on the embedded engine leaves a heap and
  // engine memory behind that slowed the PostgreSQL run after it by about a quarter.
  const { spawn } = await import('node:child_process');
  const child = (kind: 'pglite' | 'postgres', url?: string) =>
    new Promise<void>((resolve, reject) => {
      const script = new URL('./bench/import-bench-child.ts', import.meta.url).pathname;
      const run = spawn(process.execPath, [...process.execArgv, script], {
        env: { ...process.env, IMPORT_BENCH_KIND: kind, ...(url ? { IMPORT_BENCH_URL: url } : {}) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      run.on('error', reject);
      run.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${kind} import bench exited with ${code}`)),
      );
    });
  await child('pglite');
  if (pgUrl) await child('postgres', pgUrl);
}
