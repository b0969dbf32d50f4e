import { AppStore, migrateSystem, RecordRepository } from '@dougong/db';
import { createTestDatabase, type TestDatabase, testTargetsPostgres } from '@dougong/db/testing';
import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from './support/process-fixture.js';
import { type HttpSink, type SmtpSink, startHttpSink, startSmtpSink } from './support/sinks.js';

const L = (en: string) => ({ en });
const RUNS = 1000;

describe.skipIf(!testTargetsPostgres())('two server processes on one PostgreSQL share the work', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let sink: HttpSink;
  const alive: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateSystem(db.db);
    smtp = await startSmtpSink();
    sink = await startHttpSink();
    const doc = {
      schemaVersion: 1,
      key: 'two',
      label: L('Two'),
      entities: [
        {
          id: 'order',
          key: 'order',
          label: L('Order'),
          fields: [{ id: 'no', key: 'no', type: 'text', label: L('No') }],
        },
      ],
      flows: [
        {
          id: 'three',
          key: 'three',
          label: L('Three steps'),
          trigger: { kind: 'recordCreated', entity: 'order' },
          start: 'check',
          nodes: [
            {
              id: 'check',
              kind: 'condition',
              branches: [{ condition: { '!!': [{ var: 'record.no' }] }, next: 'call' }],
            },
            {
              id: 'call',
              kind: 'httpRequest',
              method: 'POST',
              url: `${sink.url}/orders`,
              body: { no: '{{record.no}}' },
              next: 'task',
            },
            { id: 'task', kind: 'createTask', title: 'Ship {{record.no}}' },
          ],
        },
      ],
    } as AppDocument;
    const store = new AppStore(db.db);
    await store.saveDraft('two', doc, { actor: null });
    await store.publish('two', { actor: null });
  });
  afterAll(async () => {
    for (const p of alive) await p.kill();
    await smtp?.close();
    await sink?.close();
    await db?.close();
  });

  it(`${RUNS} runs, each step executed once, work split between both workers`, async () => {
    const { model } = await new AppStore(db.db).publishedModel('two');
    const repo = new RecordRepository(db.db, model);
    const entity = repo.entity('order');
    await Promise.all(
      Array.from({ length: 10 }, async (_, lane) => {
        for (let i = lane; i < RUNS; i += 10) await repo.create(entity, { no: `N${i}` }, { userId: null });
      }),
    );
    const env = {
      DATABASE_URL: db.url!,
      SMTP_PORT: String(smtp.port),
      FLOW_HTTP_ALLOW_PRIVATE: `127.0.0.1:${sink.port}`,
      FLOW_LEASE_MS: '30000',
      FLOW_POLL_MS: '10',
    };
    const [a, b] = await Promise.all([
      spawnServer({ ...env, FLOW_WORKER_ID: 'worker-a' }),
      spawnServer({ ...env, FLOW_WORKER_ID: 'worker-b' }),
    ]);
    alive.push(a!, b!);
    const succeeded = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from dougong.flow_runs where status = 'succeeded'`.execute(db.db)
        ).rows[0]!.n,
      );
    for (let i = 0; i < 800 && (await succeeded()) < RUNS; i++) await new Promise((r) => setTimeout(r, 100));
    await Promise.all(alive.splice(0).map((p) => p.kill('SIGTERM')));
    expect(await succeeded()).toBe(RUNS);
    const { rows } = await sql<{
      attempts: number;
      n: number;
    }>`select attempts, count(*)::int as n from dougong.flow_steps group by attempts`.execute(db.db);
    expect(rows).toEqual([{ attempts: 1, n: RUNS * 3 }]);
    expect(sink.requests).toHaveLength(RUNS);
    expect(new Set(sink.requests.map((r) => r.key)).size).toBe(RUNS);
    const tasks = await sql<{ n: number }>`select count(*)::int as n from dougong.flow_tasks`.execute(db.db);
    expect(tasks.rows[0]!.n).toBe(RUNS);
    const { rows: workers } = await sql<{
      lease_owner: string;
      n: number;
    }>`select lease_owner, count(*)::int as n from dougong.flow_steps group by lease_owner order by lease_owner`.execute(
      db.db,
    );
    expect(workers.map((w) => w.lease_owner)).toEqual(['worker-a', 'worker-b']);
    process.stdout.write(
      `two workers: ${workers.map((w) => `${w.lease_owner} ran ${w.n} steps`).join(', ')}\n`,
    );
  }, 90_000);
});
