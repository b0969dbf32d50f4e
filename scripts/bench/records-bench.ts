import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStore, type DougongDatabase, IdentityStore, migrateSystem, openDatabase } from '@dougong/db';
import { buildServer, hashPassword } from '@dougong/server';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { benchApp, LIST_PATH, loadSql } from './bench-app.js';
import { handQueries } from './hand-queries.js';

/** Options of {@link runRecordsBench}. */
export interface RecordsBenchOptions {
  kind: 'pglite' | 'postgres';
  /** PostgreSQL server URL (a throwaway database is created beside it). */
  url?: string;
  rows: number;
  /** Seconds per load run (issue goal: 10). */
  seconds: number;
  log: (line: string) => void;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => Promise<unknown>, n: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

/**
 * Loads N rows into a 15-field entity and compares the API with hand-written queries: latency of the
 * filtered + sorted page in process, then requests per second under load (50 connections) against a
 * bare Fastify route running the same SQL.
 */
export async function runRecordsBench(options: RecordsBenchOptions): Promise<void> {
  const { kind, rows, log } = options;
  let target: string;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'dougong-bench-'));
    target = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `dg_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(options.url!);
    url.pathname = `/${name}`;
    target = url.toString();
    cleanup = async () => {
      const dropper = new pg.Client({ connectionString: options.url });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    };
  }
  try {
    const open = () => openDatabase(kind === 'postgres' ? { url: target } : { dataDir: target });
    const database: DougongDatabase = await open();
    const t0 = performance.now();
    await migrateSystem(database.db);
    const store = new AppStore(database.db);
    await store.saveDraft('bench', benchApp(), { actor: null });
    await store.publish('bench', { actor: null });
    const chunk = 100_000;
    for (let from = 1; from <= rows; from += chunk) {
      await sql.raw(loadSql(from, Math.min(rows, from + chunk - 1))).execute(database.db);
      log(
        `  [${kind}] loaded ${Math.min(rows, from + chunk - 1).toLocaleString()} / ${rows.toLocaleString()} rows`,
      );
    }
    await sql`analyze app_bench.t_deal`.execute(database.db);
    log(`  [${kind}] setup ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // 1. Latency in process: the API (inject, full request path) vs the hand-written Kysely queries.
    const app = await buildServer({ database, metadataPollMs: 0 });
    // The API is measured as a signed-in administrator: authentication and the permission gate included.
    await new IdentityStore(database.db).ensureFirstAdmin(await hashPassword('Bench-admin-2026'));
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'Bench-admin-2026' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const q = handQueries(database.db);
    const hand = () => Promise.all([q.page.execute(), q.count.execute()]);
    const api = async () => {
      const response = await app.inject({ method: 'GET', url: LIST_PATH, headers: { cookie } });
      if (response.statusCode !== 200)
        throw new Error(`API answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    };
    await timeIt(hand, 20);
    await timeIt(api, 20);
    const handMs = await timeIt(hand, 100);
    const apiMs = await timeIt(api, 100);
    log(
      `  [${kind}] filtered+sorted page of 50: API ${apiMs.toFixed(2)} ms, hand-written Kysely ${handMs.toFixed(2)} ms → ratio ${(apiMs / handMs).toFixed(2)}× (goal ≤ 1.5× on PostgreSQL)`,
    );
    const { rows: ids } = await sql<{
      id: string;
    }>`select id from app_bench.t_deal order by id limit 1000`.execute(database.db);
    await app.close();
    if (kind === 'pglite') {
      // Only one process may open a PGlite directory: hand it to the server processes.
      await database.close();
    }

    // 2. Load: 50 connections against the API and against bare Fastify with the same SQL.
    const results: Record<string, number> = {};
    for (const mode of ['api', 'bare'] as const) {
      const child = await startServer(mode, target);
      try {
        const base = `http://127.0.0.1:${child.port}`;
        const listPath = mode === 'api' ? LIST_PATH : '/list';
        const getPath = (id: string) =>
          mode === 'api' ? `/api/apps/bench/entities/deal/records/${id}` : `/get/${id}`;
        const headers = mode === 'api' ? { cookie } : {};
        results[`${mode}-list`] = await load(`${base}${listPath}`, options.seconds, headers);
        let i = 0;
        results[`${mode}-get`] = await load(base, options.seconds, headers, () =>
          getPath(ids[i++ % ids.length]!.id),
        );
      } finally {
        await child.stop();
      }
    }
    const fraction = (what: string) =>
      ((results[`api-${what}`]! / results[`bare-${what}`]!) * 100).toFixed(0);
    log(
      `  [${kind}] load, 50 connections, ${options.seconds} s: list API ${results['api-list']!.toFixed(0)} req/s vs bare ${results['bare-list']!.toFixed(0)} req/s → ${fraction('list')}% (goal ≥ 50%)`,
    );
    log(
      `  [${kind}] load, 50 connections, ${options.seconds} s: get  API ${results['api-get']!.toFixed(0)} req/s vs bare ${results['bare-get']!.toFixed(0)} req/s → ${fraction('get')}% (goal ≥ 50%)`,
    );
    if (kind === 'postgres') await database.close();
  } finally {
    await cleanup();
  }
}

async function load(
  url: string,
  seconds: number,
  headers: Record<string, string>,
  path?: () => string,
): Promise<number> {
  const result = await autocannon({
    url,
    connections: 50,
    duration: seconds,
    timeout: 30,
    headers,
    ...(path
      ? { requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: path() }) }] }
      : {}),
  } as autocannon.Options);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function startServer(
  mode: 'api' | 'bare',
  target: string,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const here = new URL('.', import.meta.url).pathname;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(here, 'serve.ts'), mode, target],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (data: Buffer) => {
      buffer += data.toString();
      const match = /ready (\d+)/.exec(buffer);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
