import { listRuns, runDetail } from '@dougong/db';
import { checkFlows } from '@dougong/flows';
import type { Flow } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowFixture, type FlowFixture, flowApp } from './support/flow-fixture.js';

const L = (en: string) => ({ en });

const onSignup: Flow = {
  id: 'on_signup',
  key: 'onSignup',
  label: L('On sign-up'),
  trigger: { kind: 'formSubmitted', form: 'signup', condition: { '!!': [{ var: 'email' }] } },
  start: 'mail',
  nodes: [
    { id: 'mail', kind: 'sendEmail', to: { var: 'record.email' }, subject: 'Hi {{record.name}}', body: 'x' },
  ],
};

const scoring = {
  attributes: [
    { id: 'has_email', condition: { '!!': [{ var: 'email' }] }, points: 30 },
    { id: 'is_vip', condition: { '==': [{ var: 'status' }, 'vip'] }, points: 40 },
  ],
  behaviours: [{ id: 'clicks', eventType: 'click', points: 10, maxPoints: 20 }],
  grades: [
    { grade: 'A', min: 80 },
    { grade: 'B', min: 50 },
  ],
};

const rescore: Flow = {
  id: 'rescore',
  key: 'rescore',
  label: L('Rescore'),
  trigger: { kind: 'manual', entity: 'lead' },
  start: 'score',
  nodes: [
    {
      id: 'score',
      kind: 'recomputeScore',
      model: scoring,
      scoreField: 'score',
      gradeField: 'status',
      events: { var: 'trigger.events' },
    },
  ],
};

describe('form-submitted trigger and recompute-score node', () => {
  let fx: FlowFixture;
  beforeAll(async () => {
    fx = await createFlowFixture([onSignup, rescore]);
  });
  afterAll(async () => fx?.close());

  it('a form submission emits its event with the record and starts the form’s flows only', async () => {
    const repo = await fx.repo();
    const lead = repo.entity('lead');
    const now = fx.clock.now();
    await repo.create(lead, { name: '表单', email: 'f@example.cn' }, { userId: null, form: 'signup', now });
    await repo.create(lead, { name: '后台', email: 'b@example.cn' }, { userId: null, now });
    // The trigger's condition: no e-mail, no run.
    await repo.create(lead, { name: '无邮箱' }, { userId: null, form: 'signup', now });
    // A submission that fails validation rolls back and leaves no event.
    await expect(repo.create(lead, { name: '' }, { userId: null, form: 'signup', now })).rejects.toThrow();
    await fx.runtime.runUntilIdle();
    const runs = await listRuns(fx.handle.db, 'crm', { flowId: 'on_signup' });
    expect(runs).toMatchObject([{ status: 'succeeded', path: ['mail'] }]);
    const detail = await runDetail(fx.handle.db, 'crm', runs[0]!.id);
    expect(detail.trigger).toMatchObject({ kind: 'created', form: 'signup', entity: 'lead' });
    expect(fx.external.emails.map((m) => m.to)).toEqual([['f@example.cn']]);
  });

  it('checks the form exists and is public, and the score fields exist', () => {
    const doc = flowApp([
      { ...onSignup, trigger: { kind: 'formSubmitted', form: 'nope' } },
      {
        ...rescore,
        nodes: [{ id: 'score', kind: 'recomputeScore', model: scoring, scoreField: 'nofield' }],
      },
    ]);
    expect(checkFlows(doc).map((i) => i.path)).toEqual([
      '/flows/0/trigger/form',
      '/flows/1/nodes/0/scoreField',
    ]);
    expect(checkFlows(flowApp([onSignup, rescore]))).toEqual([]);
  });

  it('recomputes the score from the fresh record and run events, writes score and grade, keeps the breakdown', async () => {
    const repo = await fx.repo();
    const lead = await repo.create(
      repo.entity('lead'),
      { name: '评分', email: 's@example.cn', status: 'vip' },
      { userId: null, now: fx.clock.now() },
    );
    const at = (days: number) => new Date(fx.clock.now().getTime() - days * 86_400_000).toISOString();
    await fx.runtime.triggers.startRun(
      'crm',
      'rescore',
      'manual:score-1',
      {
        kind: 'manual',
        events: [
          { type: 'click', at: at(1) },
          { type: 'click', at: at(2) },
          { type: 'click', at: at(3) },
          { type: 'open', at: at(1) },
        ],
      },
      { kinds: ['manual'], recordId: lead.id },
    );
    await fx.runtime.runUntilIdle();
    const [run] = await listRuns(fx.handle.db, 'crm', { flowId: 'rescore' });
    expect(run).toMatchObject({ status: 'succeeded', path: ['score'] });
    const detail = await runDetail(fx.handle.db, 'crm', run!.id);
    expect(detail.nodes.score).toEqual({
      total: 90,
      grade: 'A',
      breakdown: [
        { conditionId: 'has_email', kind: 'attribute', matched: true, events: 0, points: 30 },
        { conditionId: 'is_vip', kind: 'attribute', matched: true, events: 0, points: 40 },
        { conditionId: 'clicks', kind: 'behaviour', matched: true, events: 3, points: 20 },
      ],
    });
    const stored = await repo.get(repo.entity('lead'), lead.id);
    expect(stored).toMatchObject({ score: 90, status: 'A' });
  });

  it('writes through the repository’s validation: a bad score field fails the run', async () => {
    await fx.publish([
      onSignup,
      {
        ...rescore,
        nodes: [
          {
            id: 'score',
            kind: 'recomputeScore',
            model: { ...scoring, attributes: [{ id: 'half', condition: true, points: 0.5 }] },
            scoreField: 'score',
          },
        ],
      },
    ]);
    const repo = await fx.repo();
    const lead = await repo.create(
      repo.entity('lead'),
      { name: '小数' },
      { userId: null, now: fx.clock.now() },
    );
    await fx.runtime.triggers.startRun(
      'crm',
      'rescore',
      'manual:score-2',
      { kind: 'manual' },
      { kinds: ['manual'], recordId: lead.id },
    );
    await fx.runtime.runUntilIdle();
    const runs = await listRuns(fx.handle.db, 'crm', { flowId: 'rescore' });
    const failed = runs.find((r) => r.recordId === lead.id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect((await repo.get(repo.entity('lead'), lead.id)).score ?? null).toBeNull();
  });
});
