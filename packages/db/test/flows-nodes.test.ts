import { IdentityStore, listRuns, runDetail, simulateFlow } from '@dougong/db';
import type { Flow } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFlowFixture, type FlowFixture } from './support/flow-fixture.js';

const L = (en: string) => ({ en });
const onCreate = (id: string, start: string, nodes: Flow['nodes'], extra: Partial<Flow> = {}): Flow => ({
  id,
  key: id,
  label: L(id),
  trigger: { kind: 'recordCreated', entity: 'lead' },
  start,
  nodes,
  ...extra,
});

describe('flow nodes and triggers', () => {
  let fx: FlowFixture;
  let users: Record<string, string>;
  const actor = () => ({ userId: null, now: fx.clock.now() });
  const latest = async (flowId: string) => (await listRuns(fx.handle.db, 'crm', { flowId }))[0]!;
  const lead = async (values: Record<string, unknown>) => {
    const repo = await fx.repo();
    return repo.create(repo.entity('lead'), values, actor());
  };

  beforeAll(async () => {
    fx = await createFlowFixture();
    const identity = new IdentityStore(fx.handle.db);
    users = {};
    for (const login of ['rep', 'boss', 'bigboss', 'a1', 'a2'])
      users[login] = (await identity.createUser({ login, name: login })).id;
    const top = await identity.createDepartment({ name: 'HQ', headUserId: users.bigboss! });
    const sales = await identity.createDepartment({
      name: 'Sales',
      parentId: top.id,
      headUserId: users.boss!,
    });
    await identity.setMemberships(users.rep!, [{ departmentId: sales.id, primary: true }]);
    await identity.setMemberships(users.a1!, [{ departmentId: sales.id, primary: true }]);
    await identity.setMemberships(users.boss!, [{ departmentId: top.id, primary: true }]);
  });
  afterAll(async () => fx?.close());
  beforeEach(() => fx.clock.tick(60_000));

  it('parallel branches meet at a join (all), then a delay fires when the clock reaches it', async () => {
    await fx.publish([
      onCreate('par', 'split', [
        { id: 'split', kind: 'parallel', branches: ['a', 'b'], join: 'meet' },
        { id: 'a', kind: 'notify', channel: 'inbox', to: users.a1!, title: 'A', text: 'a', next: 'meet' },
        { id: 'b', kind: 'delay', minutes: 30, next: 'b2' },
        { id: 'b2', kind: 'notify', channel: 'inbox', to: users.a2!, title: 'B', text: 'b', next: 'meet' },
        { id: 'meet', kind: 'join', mode: 'all', next: 'done' },
        { id: 'done', kind: 'end' },
      ]),
    ]);
    await lead({ name: 'p' });
    await fx.runtime.runUntilIdle();
    expect((await latest('par')).status).toBe('running');
    fx.clock.tick(30 * 60_000);
    await fx.runtime.runUntilIdle();
    const run = await latest('par');
    expect(run.status).toBe('succeeded');
    expect(run.path.slice(0, 3).sort()).toEqual(['a', 'b', 'split']);
    expect(run.path.slice(-3)).toEqual(['b2', 'meet', 'done']);
    const inbox = await sql<{
      user_id: string;
      title: string;
    }>`select user_id, title from dougong.flow_inbox where kind = 'notice' order by id`.execute(fx.handle.db);
    expect(inbox.rows.map((r) => [String(r.user_id), r.title])).toEqual([
      [users.a1, 'A'],
      [users.a2, 'B'],
    ]);
  });

  it('a join of any continues at the first branch and cancels the others', async () => {
    await fx.publish([
      onCreate('anyj', 'split', [
        { id: 'split', kind: 'parallel', branches: ['fast', 'slow'], join: 'meet' },
        { id: 'fast', kind: 'delay', minutes: 0, next: 'meet' },
        { id: 'slow', kind: 'delay', minutes: 60, next: 'never' },
        {
          id: 'never',
          kind: 'notify',
          channel: 'inbox',
          to: users.a1!,
          title: 'never',
          text: '',
          next: 'meet',
        },
        { id: 'meet', kind: 'join', mode: 'any' },
      ]),
    ]);
    await lead({ name: 'any' });
    await fx.runtime.runUntilIdle();
    fx.clock.tick(120 * 60_000);
    await fx.runtime.runUntilIdle();
    const run = await latest('anyj');
    expect(run.status).toBe('succeeded');
    expect(run.path).not.toContain('never');
  });

  it('wait-until a condition on the record: re-checked until it holds, or times out', async () => {
    await fx.publish([
      onCreate('wait', 'w', [
        {
          id: 'w',
          kind: 'waitUntil',
          condition: { '==': [{ var: 'record.followedUp' }, true] },
          recheckMinutes: 10,
          timeoutMinutes: 60,
          timeoutNext: 'late',
          next: 'ok',
        },
        { id: 'ok', kind: 'end' },
        { id: 'late', kind: 'notify', channel: 'inbox', to: users.rep!, title: 'late', text: '' },
      ]),
    ]);
    const first = await lead({ name: 'w1' });
    await fx.runtime.runUntilIdle();
    fx.clock.tick(10 * 60_000);
    const repo = await fx.repo();
    await repo.update(repo.entity('lead'), first.id, { followedUp: true }, actor(), 1);
    await fx.runtime.runUntilIdle();
    expect((await listRuns(fx.handle.db, 'crm', { recordId: first.id, flowId: 'wait' }))[0]!.path).toEqual([
      'w',
      'ok',
    ]);
    const second = await lead({ name: 'w2' });
    await fx.runtime.runUntilIdle();
    fx.clock.tick(61 * 60_000);
    await fx.runtime.runUntilIdle();
    fx.clock.tick(61 * 60_000);
    await fx.runtime.runUntilIdle();
    expect((await listRuns(fx.handle.db, 'crm', { recordId: second.id, flowId: 'wait' }))[0]!.path).toEqual([
      'w',
      'late',
    ]);
  });

  it('assigns the owner with the rule engine and stores the explanation; creates a task; queries records', async () => {
    await fx.publish([
      onCreate('assign', 'own', [
        {
          id: 'own',
          kind: 'assignOwner',
          rules: {
            rules: [
              {
                id: 'r1',
                condition: { '==': [{ var: 'name' }, 'vip'] },
                target: { user: users.boss! },
                strategy: 'fixed',
              },
            ],
            fallback: { target: { team: 'reps' }, strategy: 'round-robin' },
          },
          teams: { reps: [users.a1!, users.a2!] },
          next: 'task',
        },
        {
          id: 'task',
          kind: 'createTask',
          title: 'Call {{record.name}}',
          assignee: { var: 'nodes.own.owner' },
          dueInMinutes: 1440,
          remindBeforeMinutes: 60,
          next: 'q',
        },
        {
          id: 'q',
          kind: 'queryRecords',
          entity: 'lead',
          filter: { '==': [{ var: 'name' }, { run: { var: 'record.name' } }] },
        },
      ]),
    ]);
    const owners: string[] = [];
    for (const name of ['x', 'y', 'vip']) {
      fx.clock.tick(1000);
      const created = await lead({ name });
      await fx.runtime.runUntilIdle();
      const repo = await fx.repo();
      owners.push(String((await repo.get(repo.entity('lead'), created.id)).ownerId));
    }
    expect(owners, JSON.stringify(users)).toEqual([users.a1, users.a2, users.boss]);
    const run = await runDetail(fx.handle.db, 'crm', (await latest('assign')).id);
    expect(run.nodes).toMatchObject({
      own: { owner: users.boss, ruleId: 'r1', explanation: { en: expect.stringContaining('Rule 1') } },
      q: { total: 1 },
    });
    const tasks = await sql<{
      title: string;
      assignee: string;
    }>`select title, assignee from dougong.flow_tasks order by created_at`.execute(fx.handle.db);
    expect(tasks.rows.map((t) => [t.title, String(t.assignee)])).toEqual([
      ['Call x', users.a1],
      ['Call y', users.a2],
      ['Call vip', users.boss],
    ]);
  });

  it('approval: department head, then N levels up; approve / reject / return; timeout escalates to the manager', async () => {
    await fx.publish([
      onCreate('appr', 'ap', [
        {
          id: 'ap',
          kind: 'approval',
          approvers: { kind: 'departmentHead' },
          mode: 'all',
          timeoutMinutes: 60,
          escalate: true,
          approved: 'yes',
          rejected: 'no',
          returned: 'back',
        },
        { id: 'yes', kind: 'end' },
        { id: 'no', kind: 'end' },
        { id: 'back', kind: 'end' },
      ]),
    ]);
    const repo = await fx.repo();
    const decide = async (decision: 'approved' | 'rejected' | 'returned', as: string) => {
      const { rows } = await sql<{
        id: string;
      }>`select id from dougong.flow_approvals where approver = ${as} and status = 'pending'`.execute(
        fx.handle.db,
      );
      await fx.runtime.decideApproval(String(rows[0]!.id), as, decision, 'ok');
      await fx.runtime.runUntilIdle();
    };
    const outcomes: string[][] = [];
    for (const decision of ['approved', 'rejected', 'returned'] as const) {
      fx.clock.tick(1000);
      await repo.create(repo.entity('lead'), { name: decision, ownerId: users.rep }, actor());
      await fx.runtime.runUntilIdle();
      await decide(decision, users.boss!);
      outcomes.push((await latest('appr')).path);
    }
    expect(outcomes).toEqual([
      ['ap', 'yes'],
      ['ap', 'no'],
      ['ap', 'back'],
    ]);
    // Not my approval: refused.
    fx.clock.tick(1000);
    await repo.create(repo.entity('lead'), { name: 'escalate', ownerId: users.rep }, actor());
    await fx.runtime.runUntilIdle();
    await expect(decide('approved', users.a1!)).rejects.toThrow();
    fx.clock.tick(61 * 60_000);
    await fx.runtime.runUntilIdle();
    await decide('approved', users.bigboss!);
    expect((await latest('appr')).path).toEqual(['ap', 'yes']);
    // N levels up from the submitter: 2 levels from rep is bigboss.
    await fx.publish([
      onCreate('appr2', 'ap', [
        {
          id: 'ap',
          kind: 'approval',
          approvers: { kind: 'manager', levels: 2 },
          mode: 'any',
          approved: 'yes',
        },
        { id: 'yes', kind: 'end' },
      ]),
    ]);
    await repo.create(repo.entity('lead'), { name: 'levels', ownerId: users.rep }, actor());
    await fx.runtime.runUntilIdle();
    await decide('approved', users.bigboss!);
    expect((await latest('appr2')).status).toBe('succeeded');
  });

  it('record updated with "field changed to", deleted, and DingTalk / WeCom robots', async () => {
    await fx.secrets.put(fx.handle.db, 'crm', 'ding', 'https://oapi.dingtalk.com/robot/send?access_token=t');
    await fx.publish([
      {
        id: 'qual',
        key: 'qual',
        label: L('q'),
        trigger: { kind: 'recordUpdated', entity: 'lead', changed: [{ field: 'status', to: 'qualified' }] },
        start: 'ding',
        nodes: [
          {
            id: 'ding',
            kind: 'notify',
            channel: 'dingtalk',
            webhook: { secret: 'ding' },
            title: 'Qualified',
            text: '{{record.name}}',
            next: 'wecom',
          },
          {
            id: 'wecom',
            kind: 'notify',
            channel: 'wecom',
            webhook: { secret: 'ding' },
            title: 'Qualified',
            text: '{{record.name}}',
          },
        ],
      },
      {
        id: 'gone',
        key: 'gone',
        label: L('g'),
        trigger: { kind: 'recordDeleted', entity: 'lead' },
        start: 'e',
        nodes: [{ id: 'e', kind: 'end' }],
      },
    ]);
    fx.external.robots = [];
    const repo = await fx.repo();
    const l = await repo.create(repo.entity('lead'), { name: '王芳', status: 'new' }, actor());
    await repo.update(repo.entity('lead'), l.id, { status: 'contacted' }, actor(), 1);
    await repo.update(repo.entity('lead'), l.id, { status: 'qualified' }, actor(), 2);
    await repo.update(repo.entity('lead'), l.id, { score: 5 }, actor(), 3);
    await repo.remove(repo.entity('lead'), l.id, actor());
    await fx.runtime.runUntilIdle();
    expect(await listRuns(fx.handle.db, 'crm', { flowId: 'qual' })).toHaveLength(1);
    expect(await listRuns(fx.handle.db, 'crm', { flowId: 'gone', recordId: l.id })).toHaveLength(1);
    expect(fx.external.robots.map((r) => r.message)).toEqual([
      { msgtype: 'markdown', markdown: { title: 'Qualified', text: '### Qualified\n王芳' } },
      { msgtype: 'markdown', markdown: { content: '### Qualified\n王芳' } },
    ]);
  });

  it('scheduled cron in the app time zone fires once after downtime, not once per missed tick', async () => {
    await fx.publish([
      {
        id: 'daily',
        key: 'daily',
        label: L('d'),
        trigger: { kind: 'scheduled', cron: '0 9 * * *' },
        start: 'e',
        nodes: [{ id: 'e', kind: 'end' }],
      },
    ]);
    fx.clock.set('2026-03-10T00:00:00Z'); // 08:00 in Shanghai
    await fx.runtime.runUntilIdle();
    expect(await listRuns(fx.handle.db, 'crm', { flowId: 'daily' })).toHaveLength(0);
    fx.clock.set('2026-03-10T01:00:00Z'); // 09:00 in Shanghai
    await fx.runtime.runUntilIdle();
    await fx.runtime.runUntilIdle();
    expect(await listRuns(fx.handle.db, 'crm', { flowId: 'daily' })).toHaveLength(1);
    fx.clock.set('2026-03-15T03:00:00Z'); // five days of downtime
    await fx.runtime.runUntilIdle();
    const all = await listRuns(fx.handle.db, 'crm', { flowId: 'daily' });
    expect(all.map((r) => r.triggerKey)).toEqual([
      'cron:2026-03-11T01:00:00.000Z',
      'cron:2026-03-10T01:00:00.000Z',
    ]);
    fx.clock.set('2026-03-16T01:00:00Z');
    await fx.runtime.runUntilIdle();
    expect(await listRuns(fx.handle.db, 'crm', { flowId: 'daily' })).toHaveLength(3);
  });

  it('date-relative: 3 days after a date field, re-checked when due (a lead followed up in time gets no reminder)', async () => {
    await fx.publish([
      {
        id: 'remind',
        key: 'remind',
        label: L('r'),
        trigger: {
          kind: 'dateRelative',
          entity: 'lead',
          field: 'assignedOn',
          offsetMinutes: 3 * 1440,
          condition: { '!': [{ var: 'followedUp' }] },
        },
        start: 'n',
        nodes: [
          {
            id: 'n',
            kind: 'notify',
            channel: 'inbox',
            to: users.rep!,
            title: 'Follow up {{record.name}}',
            text: '',
          },
        ],
      },
    ]);
    fx.clock.set('2026-04-01T02:00:00Z');
    const repo = await fx.repo();
    const a = await repo.create(repo.entity('lead'), { name: 'late', assignedOn: '2026-04-01' }, actor());
    const b = await repo.create(repo.entity('lead'), { name: 'ontime', assignedOn: '2026-04-01' }, actor());
    await fx.runtime.runUntilIdle();
    await repo.update(repo.entity('lead'), b.id, { followedUp: true }, actor(), 1);
    fx.clock.set('2026-04-03T15:59:00Z'); // 23:59 on the 3rd in Shanghai: not yet
    await fx.runtime.runUntilIdle();
    expect(await listRuns(fx.handle.db, 'crm', { flowId: 'remind' })).toHaveLength(0);
    fx.clock.set('2026-04-03T16:00:00Z'); // midnight of the 4th in Shanghai
    await fx.runtime.runUntilIdle();
    const all = await listRuns(fx.handle.db, 'crm', { flowId: 'remind' });
    expect(all.map((r) => r.recordId)).toEqual([a.id]);
  });

  it('manual and webhook starts are idempotent by key; test mode captures effects and writes nothing', async () => {
    const manual: Flow = {
      id: 'man',
      key: 'man',
      label: L('m'),
      trigger: { kind: 'manual', entity: 'lead' },
      start: 'mk',
      nodes: [
        {
          id: 'mk',
          kind: 'createRecord',
          entity: 'note',
          values: { title: { cat: ['M ', { var: 'record.name' }] } },
          next: 'mail',
        },
        { id: 'mail', kind: 'sendEmail', to: 'x@example.cn', subject: 'S', body: 'B' },
      ],
    };
    const hook: Flow = {
      id: 'hook',
      key: 'hook',
      label: L('h'),
      trigger: { kind: 'webhook' },
      start: 'mk',
      nodes: [
        { id: 'mk', kind: 'createRecord', entity: 'note', values: { title: { var: 'trigger.body.title' } } },
      ],
    };
    await fx.publish([manual, hook]);
    const l = await lead({ name: 'manual' });
    const one = await fx.runtime.triggers.startRun(
      'crm',
      'man',
      'manual:req-1',
      { kind: 'manual' },
      { kinds: ['manual'], recordId: l.id },
    );
    const two = await fx.runtime.triggers.startRun(
      'crm',
      'man',
      'manual:req-1',
      { kind: 'manual' },
      { kinds: ['manual'], recordId: l.id },
    );
    expect(two).toEqual({ runId: one.runId, created: false });
    for (let i = 0; i < 3; i++)
      await fx.runtime.triggers.startRun(
        'crm',
        'hook',
        'webhook:d-1',
        { kind: 'webhook', body: { title: 'from hook' } },
        { kinds: ['webhook'] },
      );
    await fx.runtime.runUntilIdle();
    const repo = await fx.repo();
    const notes = (await repo.list(repo.entity('note'), { limit: 500 })).items.map((n) => n.title);
    expect(notes.filter((t) => t === 'M manual')).toHaveLength(1);
    expect(notes.filter((t) => t === 'from hook')).toHaveLength(1);
    const before = (await repo.list(repo.entity('note'), { limit: 500 })).total;
    const { model } = await fx.store.publishedModel('crm');
    const sim = await simulateFlow(manual, model, repo, { record: l, now: fx.clock.now() });
    expect(sim).toMatchObject({ status: 'succeeded', path: ['mk', 'mail'] });
    expect(sim.effects.map((e) => e.kind)).toEqual(['createRecord', 'sendEmail']);
    expect((await repo.list(repo.entity('note'), { limit: 500 })).total).toBe(before);
  });

  it('rejects a flow that loops or names a missing node', async () => {
    await expect(
      fx.publish([
        onCreate('bad', 'a', [
          { id: 'a', kind: 'delay', minutes: 1, next: 'b' },
          { id: 'b', kind: 'delay', minutes: 1, next: 'a' },
        ]),
      ]),
    ).rejects.toThrow(/invalid/);
    await expect(fx.publish([onCreate('bad', 'zz', [{ id: 'a', kind: 'end' }])])).rejects.toThrow(/invalid/);
  });

  it('the watchdog fails runs left with nothing to do', async () => {
    await fx.publish([onCreate('w2', 'e', [{ id: 'e', kind: 'delay', minutes: 5 }])]);
    await lead({ name: 'orphan' });
    await fx.runtime.runUntilIdle();
    const run = await latest('w2');
    await sql`update dougong.flow_runs set status = 'running' where id = ${run.id}`.execute(fx.handle.db);
    const report = await fx.runtime.watchdog();
    expect(report.orphanedRuns).toEqual([run.id]);
    expect((await latest('w2')).status).toBe('failed');
  });
});
