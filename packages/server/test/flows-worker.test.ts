import { RecordBulkWriter } from '@dougong/db';
import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowWorker } from '../src/index.js';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const L = (zh: string) => ({ 'zh-CN': zh });

const app: AppDocument = {
  schemaVersion: 1,
  key: 'wk',
  label: L('Worker'),
  entities: [
    {
      id: 'item',
      key: 'item',
      label: L('条目'),
      fields: [{ id: 'name', key: 'name', type: 'text', label: L('名称') }],
    },
  ],
  flows: [
    {
      id: 'noop',
      key: 'noop',
      label: L('空流程'),
      trigger: { kind: 'recordCreated', entity: 'item' },
      start: 'end',
      nodes: [{ id: 'end', kind: 'end' }],
    },
  ],
};

describe('the flow worker with a backlog', () => {
  let fx: HttpFixture;

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(app);
  });
  afterAll(async () => fx?.close());

  it('dispatches a backlog a round at a time, running due steps in every round', async () => {
    const { model } = await fx.app.dougong.store.publishedModel('wk');
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    await new RecordBulkWriter(fx.database.db, model).create(
      model.entitiesByKey.get('item')!,
      Array.from({ length: 250 }, (_, i) => ({ payload: { name: `批${i}` }, actor })),
    );
    const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
      Number((await query.execute(fx.database.db)).rows[0]!.n);
    const pending = () =>
      count(sql<{ n: number }>`select count(*)::int as n from dougong.flow_events
        where app_key = 'wk' and dispatched_at is null`);
    const finished = () =>
      count(sql<{ n: number }>`select count(*)::int as n from dougong.flow_steps s
        join dougong.flow_runs r on r.id = s.run_id where r.app_key = 'wk' and s.finished_at is not null`);
    const before = await finished();
    expect(await pending()).toBe(250);
    // One round: at most 100 events (the default), then the due steps of the runs they started.
    await fx.app.flows.runtime.tick();
    expect(await pending()).toBe(150);
    expect(await finished()).toBeGreaterThan(before);
    await fx.app.flows.runtime.runUntilIdle();
    expect(await pending()).toBe(0);
  });

  it('lets timers and requests in between ticks, so it can be stopped before the backlog is done', async () => {
    const { model } = await fx.app.dougong.store.publishedModel('wk');
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    await new RecordBulkWriter(fx.database.db, model).create(
      model.entitiesByKey.get('item')!,
      Array.from({ length: 1500 }, (_, i) => ({ payload: { name: `条目${i}` }, actor })),
    );
    const pending = async () =>
      Number(
        (
          await sql<{ n: number }>`select count(*)::int as n from dougong.flow_events
            where app_key = 'wk' and dispatched_at is null`.execute(fx.database.db)
        ).rows[0]!.n,
      );
    expect(await pending()).toBe(1500);
    const worker = new FlowWorker(fx.app.flows.runtime, { pollMs: 5 });
    // A timer due at once: it fires at the first turn of the event loop the worker leaves free. With
    // the embedded database a worker that never yielded would reach it only when the backlog is done.
    const stopped = new Promise<void>((resolve) => setTimeout(() => resolve(worker.stop()), 0));
    worker.start();
    await stopped;
    expect(worker.started).toBe(false);
    expect(await pending()).toBeGreaterThan(0);
    // The rest is still there to be done.
    await fx.app.flows.runtime.runUntilIdle();
    expect(await pending()).toBe(0);
  });
});
