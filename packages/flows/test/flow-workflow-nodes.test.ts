import type { AppDocument, Flow } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { checkFlows, finishStep, matchesStoredEvent, planStep, type StepInput } from '../src/index.js';

const L = (en: string) => ({ en });
const now = new Date('2026-03-01T02:00:00Z');
const flowOf = (nodes: Flow['nodes'], extra: Partial<Flow> = {}): Flow => ({
  id: 'f',
  key: 'f',
  label: L('f'),
  trigger: { kind: 'recordCreated', entity: 'lead' },
  start: nodes[0]!.id,
  nodes,
  ...extra,
});
const input = (flow: Flow, nodeId: string): StepInput => ({
  flow,
  nodeId,
  branch: '',
  scope: {
    record: { id: 'r1', name: '张伟', email: 'zw@example.cn', ownerId: 'u1' },
    trigger: { events: [{ type: 'click', at: '2026-02-28T02:00:00Z' }] },
    nodes: {},
    vars: {},
    run: { id: 'run1', flow: 'f' },
  },
  now,
  timeZone: 'Asia/Shanghai',
  state: null,
});

const doc = (flows: Flow[], scoring = true): AppDocument =>
  ({
    schemaVersion: 1,
    key: 'crm',
    label: L('CRM'),
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: L('Lead'),
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('Name') },
          { id: 'score', key: 'score', type: 'number', label: L('Score') },
          { id: 'note', key: 'note', type: 'text', label: L('Note') },
        ],
        ...(scoring
          ? {
              scoring: {
                model: { attributes: [], behaviours: [], grades: [] },
                scoreField: 'score',
              },
            }
          : {}),
      },
    ],
    flows,
  }) as AppDocument;

describe('record workflow nodes', () => {
  it('updateRecords: one effect with the bound filter and the values evaluated once', () => {
    const flow = flowOf([
      {
        id: 'u',
        kind: 'updateRecords',
        entity: 'lead',
        filter: { '==': [{ var: 'name' }, { run: { var: 'record.name' } }] },
        values: { ownerId: null, note: { cat: ['by ', { var: 'record.name' }] } },
      },
    ]);
    expect(planStep(input(flow, 'u'))).toEqual({
      kind: 'perform',
      effect: {
        kind: 'updateRecords',
        entity: 'lead',
        filter: { '==': [{ var: 'name' }, '张伟'] },
        sort: undefined,
        limit: 200,
        values: { ownerId: null, note: 'by 张伟' },
      },
    });
    expect(finishStep(input(flow, 'u'), { updated: 2 })).toMatchObject({
      kind: 'advance',
      output: { updated: 2 },
    });
  });

  it('notify and sendEmail reach the managers of the users an expression names, N levels up', () => {
    const flow = flowOf([
      {
        id: 'n',
        kind: 'notify',
        channel: 'inbox',
        toManagerOf: { var: 'record.ownerId' },
        managerLevels: 2,
        title: 'Late: {{record.name}}',
        text: '',
      },
      {
        id: 'm',
        kind: 'sendEmail',
        toUsers: { var: 'record.ownerId' },
        toManagerOf: { var: 'record.ownerId' },
        subject: 's',
        body: 'b',
        trackOpens: true,
      },
      { id: 'none', kind: 'sendEmail', subject: 's', body: 'b' },
    ]);
    expect(planStep(input(flow, 'n'))).toMatchObject({
      effect: { kind: 'inbox', users: ['u1'], managersOf: ['u1'], managerLevels: 2, title: 'Late: 张伟' },
    });
    expect(planStep(input(flow, 'm'))).toMatchObject({
      effect: {
        kind: 'sendEmail',
        to: [],
        toUsers: ['u1'],
        managersOf: ['u1'],
        managerLevels: 1,
        trackOpens: true,
      },
    });
    expect(planStep(input(flow, 'none'))).toEqual({ kind: 'fail', error: 'sendEmail: no recipient' });
  });

  it('recomputeScore asks the runtime to score the trigger record, or every record matching a filter', () => {
    const model = { attributes: [], behaviours: [], grades: [] };
    const flow = flowOf([
      { id: 'one', kind: 'recomputeScore', model, scoreField: 'score', events: { var: 'trigger.events' } },
      { id: 'entity', kind: 'recomputeScore' },
      { id: 'all', kind: 'recomputeScore', entity: 'lead', filter: { '!!': [{ var: 'name' }] }, limit: 900 },
    ]);
    expect(planStep(input(flow, 'one'))).toMatchObject({
      effect: {
        kind: 'rescore',
        entity: 'lead',
        id: 'r1',
        model,
        scoreField: 'score',
        events: [{ type: 'click', at: '2026-02-28T02:00:00Z' }],
        recordEvents: false,
      },
    });
    expect(planStep(input(flow, 'entity'))).toMatchObject({
      effect: { kind: 'rescore', id: 'r1', model: null, recordEvents: true, events: [] },
    });
    expect(planStep(input(flow, 'all'))).toMatchObject({
      effect: { kind: 'rescore', id: null, filter: { '!!': [{ var: 'name' }] }, limit: 900 },
    });
  });

  it('assignOwner passes the open-record filter, the explanation field and the values to write', () => {
    const flow = flowOf([
      {
        id: 'a',
        kind: 'assignOwner',
        rules: { rules: [], fallback: { target: { role: 'rep' }, strategy: 'least-loaded' } },
        openFilter: { '==': [{ var: 'name' }, { run: { var: 'record.name' } }] },
        explanationField: 'note',
        values: { note: 'x' },
      },
    ]);
    expect(planStep(input(flow, 'a'))).toMatchObject({
      effect: {
        kind: 'assignOwner',
        openFilter: { '==': [{ var: 'name' }, '张伟'] },
        explanationField: 'note',
        values: { note: 'x' },
      },
    });
  });

  it('recordEvent triggers match by entity and event type', () => {
    const flow = flowOf([{ id: 'e', kind: 'end' }], {
      trigger: { kind: 'recordEvent', entity: 'lead', eventType: 'emailOpened' },
    });
    expect(matchesStoredEvent(flow, { entity: 'lead', type: 'emailOpened' })).toBe(true);
    expect(matchesStoredEvent(flow, { entity: 'lead', type: 'linkClicked' })).toBe(false);
    expect(matchesStoredEvent(flow, { entity: 'deal', type: 'emailOpened' })).toBe(false);
    expect(matchesStoredEvent({ ...flow, enabled: false }, { entity: 'lead', type: 'emailOpened' })).toBe(
      false,
    );
  });

  it('checkFlows: written fields exist, scoring comes from the node or the entity, once-per-record needs a record', () => {
    const flows: Flow[] = [
      flowOf([
        { id: 'u', kind: 'updateRecords', entity: 'lead', filter: true, values: { nope: 1, ownerId: null } },
        { id: 'a', kind: 'assignOwner', rules: { rules: [] }, explanationField: 'missing' },
        { id: 's', kind: 'recomputeScore', model: { attributes: [], behaviours: [], grades: [] } },
      ]),
      { ...flowOf([{ id: 's', kind: 'recomputeScore' }]), id: 'g', key: 'g' },
      {
        ...flowOf([{ id: 'e', kind: 'end' }]),
        id: 'h',
        key: 'h',
        trigger: { kind: 'scheduled', cron: '0 2 * * *' },
        oncePerRecord: true,
      },
    ];
    expect(checkFlows(doc(flows)).map((i) => i.path)).toEqual([
      '/flows/0/nodes/0/values/nope',
      '/flows/0/nodes/1/explanationField',
      '/flows/0/nodes/2/scoreField',
      '/flows/2/oncePerRecord',
    ]);
    expect(checkFlows(doc(flows, false)).map((i) => i.path)).toContain('/flows/1/nodes/0/model');
  });

  it('checkFlows: only the start node of a recordCreated flow runs inline, and an inline score uses the record only', () => {
    const assign = { id: 'a', kind: 'assignOwner' as const, rules: { rules: [] }, inline: true };
    const flows: Flow[] = [
      flowOf([assign, { id: 'e', kind: 'end' }]),
      { ...flowOf([{ id: 'e', kind: 'end' }, assign]), id: 'g', key: 'g', start: 'e' },
      {
        ...flowOf([assign]),
        id: 'h',
        key: 'h',
        trigger: { kind: 'recordUpdated', entity: 'lead' },
      },
      {
        ...flowOf([{ id: 's', kind: 'recomputeScore', inline: true, events: { var: 'trigger.events' } }]),
        id: 'i',
        key: 'i',
      },
      { ...flowOf([{ id: 's', kind: 'recomputeScore', inline: true }]), id: 'j', key: 'j' },
    ];
    expect(checkFlows(doc(flows)).map((i) => [i.path, i.message])).toEqual([
      ['/flows/1/nodes/1/inline', 'only the start node of a recordCreated flow runs inline'],
      ['/flows/2/nodes/0/inline', 'only the start node of a recordCreated flow runs inline'],
      ['/flows/3/nodes/0/inline', 'an inline score uses the new record only (no events, entity or filter)'],
    ]);
  });
});
