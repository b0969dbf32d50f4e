import { listRuns, runDetail } from '@dougong/db';
import type { Flow } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFlowFixture, type FlowFixture } from './support/flow-fixture.js';

const L = (en: string) => ({ en });
const actor = (fx: FlowFixture) => ({ userId: null, now: fx.clock.now() });

const welcome: Flow = {
  id: 'welcome',
  key: 'welcome',
  label: L('Welcome'),
  trigger: { kind: 'recordCreated', entity: 'lead' },
  start: 'check',
  nodes: [
    {
      id: 'check',
      kind: 'condition',
      branches: [{ condition: { '!!': [{ var: 'record.email' }] }, next: 'mail' }],
      else: 'note',
    },
    {
      id: 'mail',
      kind: 'sendEmail',
      to: { var: 'record.email' },
      subject: 'Welcome {{record.name}}',
      body: '<p>Hi {{record.name}}</p>',
      next: 'erp',
    },
    {
      id: 'erp',
      kind: 'httpRequest',
      method: 'POST',
      url: 'https://erp.example.com/leads',
      headers: { Authorization: { secret: 'erp_token' } },
      body: { name: '{{record.name}}' },
      responseMap: { erpId: '/id' },
      next: 'note',
    },
    {
      id: 'note',
      kind: 'createRecord',
      entity: 'note',
      values: { title: { cat: ['Lead ', { var: 'record.name' }] }, ref: { var: 'vars.erpId' } },
      next: 'mark',
    },
    { id: 'mark', kind: 'updateRecord', entity: 'lead', values: { status: 'welcomed' } },
  ],
};

async function runs(fx: FlowFixture, flowId?: string) {
  return listRuns(fx.handle.db, 'crm', flowId ? { flowId } : {});
}

describe('flow runtime', () => {
  let fx: FlowFixture;
  beforeAll(async () => {
    fx = await createFlowFixture([welcome]);
    await fx.secrets.put(fx.handle.db, 'crm', 'erp_token', 'Bearer s3cret');
  });
  afterAll(async () => fx?.close());
  beforeEach(async () => {
    fx.external.emails = [];
    fx.external.requests = [];
    fx.external.failures = 0;
    fx.clock.tick(60_000); // each test's runs are the newest
  });

  it('runs a record-created flow: condition, e-mail, HTTP with a secret header, create and update records', async () => {
    await fx.publish([welcome]);
    const repo = await fx.repo();
    const lead = await repo.create(repo.entity('lead'), { name: '张伟', email: 'zw@example.cn' }, actor(fx));
    await fx.runtime.runUntilIdle();
    const [run] = await runs(fx, 'welcome');
    expect(run).toMatchObject({
      status: 'succeeded',
      path: ['check', 'mail', 'erp', 'note', 'mark'],
      recordId: lead.id,
    });
    expect(fx.external.emails).toMatchObject([
      { to: ['zw@example.cn'], subject: 'Welcome 张伟', html: '<p>Hi 张伟</p>' },
    ]);
    expect(fx.external.requests[0]).toMatchObject({
      headers: { Authorization: 'Bearer s3cret' },
      body: { name: '张伟' },
    });
    const notes = await repo.list(repo.entity('note'), {});
    expect(notes.items).toMatchObject([{ title: 'Lead 张伟', ref: 'ERP-1' }]);
    expect((await repo.get(repo.entity('lead'), lead.id)).status).toBe('welcomed');
    const detail = await runDetail(fx.handle.db, 'crm', run!.id);
    expect(detail.steps.map((s) => [s.nodeId, s.status, s.attempts])).toEqual([
      ['check', 'done', 1],
      ['mail', 'done', 1],
      ['erp', 'done', 1],
      ['note', 'done', 1],
      ['mark', 'done', 1],
    ]);
    expect(detail.vars).toEqual({ erpId: 'ERP-1' });
    // The flow's own update of the lead started no second run (no updated trigger) and the run is single.
    expect(await runs(fx, 'welcome')).toHaveLength(1);
  });

  it('takes the else branch and never fires for a write that rolled back', async () => {
    const repo = await fx.repo();
    await repo.create(repo.entity('lead'), { name: '无邮箱' }, actor(fx));
    await expect(repo.create(repo.entity('lead'), { name: '' }, actor(fx))).rejects.toThrow();
    await fx.runtime.runUntilIdle();
    const all = await runs(fx, 'welcome');
    expect(all).toHaveLength(2);
    expect(all[0]!.path).toEqual(['check', 'note', 'mark']);
  });

  it('retries a failing effect with exponential backoff, fails the run after the last attempt, and can retry it', async () => {
    await fx.publish([{ ...welcome, retry: { maxAttempts: 3, baseDelayMs: 1000 } }]);
    const repo = await fx.repo();
    fx.external.failures = 10;
    await repo.create(repo.entity('lead'), { name: '重试', email: 'r@example.cn' }, actor(fx));
    await fx.runtime.runUntilIdle();
    let [run] = await runs(fx, 'welcome');
    let step = (await runDetail(fx.handle.db, 'crm', run!.id)).steps.find((s) => s.nodeId === 'mail')!;
    expect(step).toMatchObject({ status: 'pending', attempts: 1, error: 'connection refused (test)' });
    expect(step.dueAt).toBe(new Date(fx.clock.now().getTime() + 1000).toISOString());
    fx.clock.tick(999);
    await fx.runtime.runUntilIdle();
    expect(
      (await runDetail(fx.handle.db, 'crm', run!.id)).steps.find((s) => s.nodeId === 'mail')!.attempts,
    ).toBe(1);
    fx.clock.tick(1);
    await fx.runtime.runUntilIdle();
    step = (await runDetail(fx.handle.db, 'crm', run!.id)).steps.find((s) => s.nodeId === 'mail')!;
    expect(step.attempts).toBe(2);
    expect(step.dueAt).toBe(new Date(fx.clock.now().getTime() + 2000).toISOString());
    fx.clock.tick(2000);
    await fx.runtime.runUntilIdle();
    [run] = await runs(fx, 'welcome');
    expect(run).toMatchObject({ status: 'failed', error: 'mail: connection refused (test)' });
    const alerts = await sql<{
      n: number;
    }>`select count(*)::int as n from dougong.flow_inbox where kind = 'alert'`.execute(fx.handle.db);
    expect(alerts.rows[0]!.n).toBeGreaterThanOrEqual(0);
    fx.external.failures = 0;
    await fx.runtime.retryRun(run!.id);
    await fx.runtime.runUntilIdle();
    [run] = await runs(fx, 'welcome');
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(fx.external.emails).toHaveLength(1);
  });

  it('a retried step whose effect already happened does not repeat it (idempotency key)', async () => {
    await fx.publish([welcome]);
    const repo = await fx.repo();
    await repo.create(repo.entity('lead'), { name: '幂等', email: 'i@example.cn' }, actor(fx));
    // Let the e-mail go out, then lose the worker before it completes the step: simulate by running the
    // effect and discarding completion through an expired lease.
    await fx.runtime.triggers.dispatchEvents();
    await fx.runtime.runDueSteps(); // check
    const { rows } = await sql<{
      id: string;
    }>`select id from dougong.flow_steps where node_id = 'mail' and status = 'pending'`.execute(fx.handle.db);
    const key = `${rows[0]!.id}:sendEmail`;
    await sql`insert into dougong.flow_effects (key, result) values (${key}, '{"messageId":"sent-before-crash"}')`.execute(
      fx.handle.db,
    );
    await fx.runtime.runUntilIdle();
    expect(fx.external.emails).toHaveLength(0);
    const [run] = await runs(fx, 'welcome');
    expect((await runDetail(fx.handle.db, 'crm', run!.id)).nodes).toMatchObject({
      mail: { messageId: 'sent-before-crash' },
    });
  });

  it('a crashed worker’s lease expires and another worker finishes the step', async () => {
    await fx.publish([welcome]);
    const repo = await fx.repo();
    await repo.create(repo.entity('lead'), { name: 'lease', email: 'l@example.cn' }, actor(fx));
    await fx.runtime.triggers.dispatchEvents();
    // Claim as a worker that then dies.
    await sql`update dougong.flow_steps set status = 'running', attempts = 1, lease_owner = 'dead', lease_until = ${new Date(fx.clock.now().getTime() + 30_000).toISOString()}
      where status = 'pending'`.execute(fx.handle.db);
    await fx.runtime.runUntilIdle();
    expect((await runs(fx, 'welcome'))[0]!.status).toBe('running');
    fx.clock.tick(30_001);
    await fx.runtime.runUntilIdle();
    const [run] = await runs(fx, 'welcome');
    expect(run!.status).toBe('succeeded');
    expect((await runDetail(fx.handle.db, 'crm', run!.id)).steps[0]!.attempts).toBe(2);
  });

  it('cancels a run', async () => {
    await fx.publish([
      {
        ...welcome,
        nodes: [{ id: 'check', kind: 'delay', minutes: 60, next: 'mail' }, ...welcome.nodes.slice(1)],
      },
    ]);
    const repo = await fx.repo();
    await repo.create(repo.entity('lead'), { name: 'cancel', email: 'c@example.cn' }, actor(fx));
    await fx.runtime.runUntilIdle();
    const [run] = await runs(fx, 'welcome');
    await fx.runtime.cancelRun(run!.id);
    fx.clock.tick(3_600_000);
    await fx.runtime.runUntilIdle();
    expect((await runs(fx, 'welcome'))[0]!.status).toBe('cancelled');
    expect(fx.external.emails).toHaveLength(0);
  });
});
