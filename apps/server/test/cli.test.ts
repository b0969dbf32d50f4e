import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@dougong/db';
import { createTestDatabase, type TestDatabase, testTargetsPostgres } from '@dougong/db/testing';
import { SALES_TEMPLATE } from '@dougong/template-sales';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const running = new Set<number>();

/** Runs the CLI as its own process (as `pnpm dougong …` does) and collects its output. */
function dougong(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child.pid!);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      running.delete(child.pid!);
      resolve({ code, out });
    }),
  );
}

describe('dougong CLI', () => {
  let env: Record<string, string>;
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    if (testTargetsPostgres()) {
      database = await createTestDatabase();
      env = { DATABASE_URL: database.url! };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'dougong-cli-'));
      env = { DATABASE_URL: '', DATA_DIR: dataDir };
    }
  });
  afterAll(async () => {
    // A command still running after a failed assertion is stopped before its database goes.
    for (const pid of running) process.kill(pid, 'SIGKILL');
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('installs the sales template, fills it with demo data and reports the template state', async () => {
    const install = await dougong(['template', 'install', 'sales', '--json'], env);
    expect(install.code, install.out).toBe(0);
    expect(JSON.parse(install.out)).toMatchObject({
      appKey: 'sales',
      version: 1,
      template: { id: 'dougong.sales' },
    });

    const demo = await dougong(
      ['demo-data', '--leads', '200', '--seed', '9', '--now', '2026-03-01T02:00:00Z', '--json'],
      env,
    );
    expect(demo.code, demo.out).toBe(0);
    const written = JSON.parse(demo.out);
    expect(written).toMatchObject({ appKey: 'sales', size: 200, seed: '9', records: { lead: 200 } });
    expect(written.rowsPerSecond).toBeGreaterThan(0);

    const upgrade = await dougong(['template', 'upgrade', 'sales', '--dry-run'], env);
    expect(upgrade.code, upgrade.out).toBe(0);
    expect(upgrade.out).toContain(`already runs dougong.sales ${SALES_TEMPLATE.version}`);

    const list = await dougong(['template', 'list'], env);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toContain(`app "sales": ${SALES_TEMPLATE.version}, 0 customer change(s)`);

    // What the commands wrote is in the database the server uses.
    const db = database ?? (await openDatabase({ dataDir: join(dataDir!, 'pglite') }));
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from app_sales.t_lead`.execute(
        db.db,
      );
      expect(rows[0]!.n).toBe(200);
    } finally {
      if (!database) await db.close();
    }
  }, 600_000);

  it('explains bad usage, and refuses an embedded database another process holds', async () => {
    const usage = await dougong(['demo-data', '--seed', '1'], env);
    expect(usage.code).toBe(2);
    expect(usage.out).toContain('demo-data needs --leads N');
    if (!dataDir) return;
    writeFileSync(join(dataDir, 'dougong.pid'), String(process.pid));
    try {
      const held = await dougong(['template', 'list'], env);
      expect(held.code).toBe(1);
      expect(held.out).toContain(`in use by process ${process.pid}`);
    } finally {
      rmSync(join(dataDir, 'dougong.pid'), { force: true });
    }
  }, 300_000);
});
