import { AppStore, listRuns, migrateSystem, RecordRepository } from '@dougong/db';
import { createTestDatabase, type TestDatabase, testTargetsPostgres } from '@dougong/db/testing';
import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from './support/process-fixture.js';
import { type HttpSink, type SmtpSink, startHttpSink, startSmtpSink } from './support/sinks.js';

const L = (en: string) => ({ en });
const RUNS = 24;

function crashApp(sinkUrl: string): AppDocument {
  return {
    schemaVersion: 1,
    key: 'crash',
    label: L('Crash'),
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
        id: 'five',
        key: 'five',
        label: L('Five effects'),
        trigger: { kind: 'recordCreated', entity: 'order' },
        start: 's1',
        retry: { maxAttempts: 20, baseDelayMs: 50, maxDelayMs: 500 },
        nodes: [
          {
            id: 's1',
            kind: 'sendEmail',
            to: 'a@example.cn',
            subject: '1 {{record.no}}',
            body: 'x',
            next: 's2',
          },
          {
            id: 's2',
            kind: 'httpRequest',
            method: 'POST',
            url: `${sinkUrl}/two`,
            body: { no: '{{record.no}}' },
            next: 's3',
          },
          {
            id: 's3',
            kind: 'sendEmail',
            to: 'b@example.cn',
            subject: '3 {{record.no}}',
            body: 'x',
            next: 's4',
          },
          {
            id: 's4',
            kind: 'httpRequest',
            method: 'POST',
            url: `${sinkUrl}/four`,
            body: { no: '{{record.no}}' },
            next: 's5',
          },
          {
            id: 's5',
            kind: 'httpRequest',
            method: 'PUT',
            url: `${sinkUrl}/five`,
            body: { no: '{{record.no}}' },
          },
        ],
      },
    ],
  } as AppDocument;
}

// Real processes share the database only on PostgreSQL (PGlite is one process's embedded engine).
describe.skipIf(!testTargetsPostgres())(
  'crash test: SIGKILL at random points, every side effect observed exactly once',
  () => {
    let db: TestDatabase;
    let smtp: SmtpSink;
    let sink: HttpSink;
    const alive: ServerProcess[] = [];

    beforeAll(async () => {
      db = await createTestDatabase();
      await migrateSystem(db.db);
      smtp = await startSmtpSink();
      sink = await startHttpSink();
      const store = new AppStore(db.db);
      await store.saveDraft('crash', crashApp(sink.url), { actor: null });
      await store.publish('crash', { actor: null });
    });
    afterAll(async () => {
      for (const p of alive) await p.kill();
      await smtp?.close();
      await sink?.close();
      await db?.close();
    });

    it(`${RUNS} runs of five side-effecting steps survive repeated SIGKILLs`, async () => {
      const env = {
        DATABASE_URL: db.url!,
        SMTP_PORT: String(smtp.port),
        FLOW_HTTP_ALLOW_PRIVATE: `127.0.0.1:${sink.port}`,
        FLOW_LEASE_MS: '1500',
        FLOW_POLL_MS: '10',
      };
      const { model } = await new AppStore(db.db).publishedModel('crash');
      const repo = new RecordRepository(db.db, model);
      for (let i = 0; i < RUNS; i++)
        await repo.create(repo.entity('order'), { no: `NO-${i}` }, { userId: null });
      let kills = 0;
      const done = async () =>
        (await listRuns(db.db, 'crash', { limit: 500 })).filter((r) => r.status === 'succeeded').length;
      for (let round = 0; round < 12 && (await done()) < RUNS; round++) {
        const server = await spawnServer(env);
        alive.push(server);
        await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 400)));
        await server.kill('SIGKILL');
        alive.pop();
        kills++;
      }
      const last = await spawnServer(env);
      alive.push(last);
      for (let i = 0; i < 600 && (await done()) < RUNS; i++) await new Promise((r) => setTimeout(r, 100));
      await last.kill('SIGTERM');
      alive.pop();

      const runs = await listRuns(db.db, 'crash', { limit: 500 });
      expect(runs).toHaveLength(RUNS);
      expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
      // Every side effect was delivered, each under its own idempotency key; receivers dedupe by it.
      const mailKeys = smtp.messages.map((m) => m.messageId);
      const httpKeys = sink.requests.map((r) => r.key);
      expect(new Set(mailKeys).size).toBe(RUNS * 2);
      expect(new Set(httpKeys).size).toBe(RUNS * 3);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.flow_effects`.execute(
        db.db,
      );
      expect(rows[0]!.n).toBe(RUNS * 5);
      const duplicates = mailKeys.length - new Set(mailKeys).size + httpKeys.length - new Set(httpKeys).size;
      process.stdout.write(
        `crash test: ${RUNS} runs, ${kills} SIGKILLs, ${mailKeys.length} e-mails and ${httpKeys.length} HTTP calls received, ${duplicates} re-deliveries carrying an already-seen idempotency key\n`,
      );
    }, 90_000);
  },
);
