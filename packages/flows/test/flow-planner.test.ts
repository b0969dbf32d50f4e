import type { Flow } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import {
  branchOf,
  checkFlows,
  dateTriggerDue,
  finishStep,
  matchesRecordEvent,
  nextCronRun,
  planStep,
  type RunScope,
  renderTemplate,
  retryAt,
  retryPolicy,
  type StepInput,
} from '../src/index.js';

const L = (en: string) => ({ en });
const now = new Date('2026-03-01T02:00:00Z');
const scope = (
  record: Record<string, unknown> | null = { id: 'r1', name: '张伟', email: 'zw@example.cn', ownerId: 'u1' },
): RunScope => ({
  record,
  trigger: {},
  nodes: {},
  vars: {},
  run: { id: 'run1', flow: 'f' },
});
const flowOf = (nodes: Flow['nodes'], start = nodes[0]!.id): Flow => ({
  id: 'f',
  key: 'f',
  label: L('f'),
  trigger: { kind: 'manual' },
  start,
  nodes,
});
const input = (flow: Flow, nodeId: string, extra: Partial<StepInput> = {}): StepInput => ({
  flow,
  nodeId,
  branch: '',
  scope: scope(),
  now,
  timeZone: 'Asia/Shanghai',
  state: null,
  ...extra,
});

describe('planner', () => {
  it('condition: first matching branch, else, or the end of the path', () => {
    const flow = flowOf([
      {
        id: 'c',
        kind: 'condition',
        branches: [
          { condition: { '==': [{ var: 'record.name' }, 'x'] }, next: 'a' },
          { condition: true, next: 'b' },
        ],
        else: 'e',
      },
      { id: 'a', kind: 'end' },
      { id: 'b', kind: 'end' },
      { id: 'e', kind: 'end' },
    ]);
    expect(planStep(input(flow, 'c'))).toEqual({
      kind: 'advance',
      output: { branch: 1 },
      next: [{ node: 'b', branch: '', dueAt: null }],
    });
  });

  it('parallel opens one branch path per branch; reaching the join is an arrival in the parent path', () => {
    const flow = flowOf([
      { id: 'p', kind: 'parallel', branches: ['a', 'b'], join: 'j' },
      { id: 'a', kind: 'delay', minutes: 0, next: 'j' },
      { id: 'b', kind: 'delay', minutes: 0, next: 'j' },
      { id: 'j', kind: 'join', mode: 'all' },
    ]);
    const split = planStep(input(flow, 'p'));
    expect(split).toMatchObject({
      next: [
        { node: 'a', branch: 'p.0' },
        { node: 'b', branch: 'p.1' },
      ],
    });
    expect(planStep(input(flow, 'a', { branch: 'p.0' }))).toMatchObject({
      next: [{ node: 'j', branch: '', arrival: { from: 'p.0', expected: 2, mode: 'all' } }],
    });
    expect(branchOf(flow, 'x.1/p.1', 'j')).toEqual({ parent: 'x.1', expected: 2, parallel: 'p' });
  });

  it('delay schedules the next step; wait-until waits for a moment or a condition', () => {
    const flow = flowOf([
      { id: 'd', kind: 'delay', minutes: 90, next: 'w' },
      { id: 'w', kind: 'waitUntil', at: { var: 'record.due' }, next: 'e' },
      { id: 'e', kind: 'end' },
    ]);
    expect(planStep(input(flow, 'd'))).toMatchObject({
      next: [{ node: 'w', dueAt: new Date('2026-03-01T03:30:00Z') }],
    });
    const waiting = planStep(input(flow, 'w', { scope: scope({ due: '2026-03-02T00:00:00Z' }) }));
    expect(waiting).toMatchObject({ kind: 'wait', until: new Date('2026-03-02T00:00:00Z') });
    expect(planStep(input(flow, 'w', { scope: scope({ due: '2026-02-01T00:00:00Z' }) }))).toMatchObject({
      kind: 'advance',
    });
  });

  it('effect nodes return effects as data, then advance with the result', () => {
    const flow = flowOf([
      {
        id: 'm',
        kind: 'sendEmail',
        to: { var: 'record.email' },
        subject: 'Hi {{record.name}}',
        body: '<b>{{record.name}}</b>',
        next: 'h',
      },
      {
        id: 'h',
        kind: 'httpRequest',
        method: 'POST',
        url: 'https://erp.example.com/{{record.id}}',
        body: { n: '{{record.name}}' },
        responseMap: { erp: '/data/id' },
      },
    ]);
    expect(planStep(input(flow, 'm'))).toEqual({
      kind: 'perform',
      effect: { kind: 'sendEmail', to: ['zw@example.cn'], subject: 'Hi 张伟', html: '<b>张伟</b>' },
    });
    expect(planStep(input(flow, 'h'))).toMatchObject({
      effect: { url: 'https://erp.example.com/r1', body: { n: '张伟' }, timeoutMs: 10_000 },
    });
    expect(finishStep(input(flow, 'h'), { status: 200, body: { data: { id: 7 } } })).toMatchObject({
      kind: 'advance',
      vars: { erp: 7 },
      next: [],
    });
    expect(planStep(input(flow, 'm', { scope: scope({}) }))).toEqual({
      kind: 'fail',
      error: 'sendEmail: no recipient',
    });
  });

  it('approval: opens tasks, then decides all / any / rejected / returned, escalates once on timeout', () => {
    const flow = flowOf([
      {
        id: 'a',
        kind: 'approval',
        approvers: { kind: 'departmentHead' },
        mode: 'all',
        timeoutMinutes: 60,
        escalate: true,
        approved: 'y',
        rejected: 'n',
        returned: 'r',
      },
      { id: 'y', kind: 'end' },
      { id: 'n', kind: 'end' },
      { id: 'r', kind: 'end' },
    ]);
    expect(planStep(input(flow, 'a'))).toMatchObject({
      kind: 'perform',
      effect: { kind: 'openApproval', submitter: 'u1', dueAt: '2026-03-01T03:00:00.000Z' },
    });
    const opened = { opened: true, dueAt: '2026-03-01T03:00:00.000Z' };
    const with_ = (statuses: string[], at = now) =>
      planStep(
        input(flow, 'a', {
          now: at,
          state: {
            ...opened,
            approvals: statuses.map((s, i) => ({ approver: `u${i}`, status: s as 'pending' })),
          },
        }),
      );
    expect(with_(['approved', 'pending'])).toMatchObject({ kind: 'wait' });
    expect(with_(['approved', 'approved'])).toMatchObject({ next: [{ node: 'y' }] });
    expect(with_(['approved', 'rejected'])).toMatchObject({ next: [{ node: 'n' }] });
    expect(with_(['returned', 'pending'])).toMatchObject({ next: [{ node: 'r' }] });
    expect(with_(['pending'], new Date('2026-03-01T03:00:00Z'))).toMatchObject({
      kind: 'wait',
      state: { escalated: true },
    });
  });

  it('notify: inbox to the owner by default; DingTalk and WeCom robot formats', () => {
    const flow = flowOf([
      { id: 'i', kind: 'notify', channel: 'inbox', title: 'T', text: '{{record.name}}' },
      { id: 'd', kind: 'notify', channel: 'dingtalk', webhook: { secret: 'ding' }, title: 'T', text: 'x' },
    ]);
    expect(planStep(input(flow, 'i'))).toMatchObject({
      effect: { kind: 'inbox', users: ['u1'], text: '张伟' },
    });
    expect(planStep(input(flow, 'd'))).toMatchObject({
      effect: { message: { msgtype: 'markdown', markdown: { title: 'T' } } },
    });
  });
});

describe('triggers, retries, templates, checks', () => {
  const flow = (trigger: Flow['trigger']): Flow => ({ ...flowOf([{ id: 'e', kind: 'end' }]), trigger });
  it('field changed to a value', () => {
    const f = flow({ kind: 'recordUpdated', entity: 'lead', changed: [{ field: 'status', to: 'won' }] });
    const ev = (before: string, after: string) => ({
      kind: 'updated' as const,
      entity: 'lead',
      recordId: 'r',
      before: { status: before },
      after: { status: after },
    });
    const ctx = { now, timeZone: 'Asia/Shanghai' };
    expect(
      [ev('new', 'won'), ev('won', 'won'), ev('new', 'lost')].map((e) => matchesRecordEvent(f, e, ctx)),
    ).toEqual([true, false, false]);
  });
  it('cron in the app time zone; date triggers count from local midnight', () => {
    expect(nextCronRun('0 9 * * *', now, 'Asia/Shanghai')).toEqual(new Date('2026-03-02T01:00:00Z'));
    const t = { kind: 'dateRelative' as const, entity: 'lead', field: 'd', offsetMinutes: 3 * 1440 };
    expect(dateTriggerDue(t, { d: '2026-04-01' }, 'Asia/Shanghai')).toEqual(new Date('2026-04-03T16:00:00Z'));
  });
  it('exponential backoff, then give up', () => {
    const policy = retryPolicy({
      ...flowOf([{ id: 'e', kind: 'end' }]),
      retry: { maxAttempts: 3, baseDelayMs: 100 },
    });
    expect([1, 2, 3].map((a) => retryAt(policy, a, now)?.getTime() ?? null)).toEqual([
      now.getTime() + 100,
      now.getTime() + 200,
      null,
    ]);
  });
  it('templates escape HTML and never reach prototypes', () => {
    expect(renderTemplate('{{x}}', { x: '<script>' })).toBe('&lt;script&gt;');
    expect(renderTemplate('{{constructor.name}}{{__proto__}}', {})).toBe('');
  });
  it('checks flow graphs', () => {
    const doc = {
      schemaVersion: 1 as const,
      key: 'a1',
      label: L('a'),
      entities: [],
      flows: [
        flowOf([
          { id: 'a', kind: 'delay', minutes: 1, next: 'b' },
          { id: 'b', kind: 'delay', minutes: 1, next: 'a' },
        ]),
        { ...flow({ kind: 'scheduled', cron: 'not a cron' }), id: 'g', key: 'g' },
      ],
    };
    expect(checkFlows(doc).map((i) => i.path)).toEqual(['/flows/0/nodes', '/flows/1/trigger/cron']);
  });
});
