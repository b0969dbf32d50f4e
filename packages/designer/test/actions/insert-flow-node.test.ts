import { checkFlows } from '@dougong/flows';
import { type Flow, validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { FLOW_NODE_KINDS, flowCanvas } from '../../src/index.js';
import { applied, crm, refused, roundTrip } from '../fixture.js';

const flow = (doc: ReturnType<typeof crm>, id = 'welcome'): Flow => doc.flows!.find((f) => f.id === id)!;
const node = (doc: ReturnType<typeof crm>, id: string, flowId = 'welcome') =>
  flow(doc, flowId).nodes.find((n) => n.id === id)!;

describe('insertFlowNode', () => {
  it('inserts a step between two nodes', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'task', slot: 'next' },
      node: {
        kind: 'sendEmail',
        label: { en: 'Mail' },
        config: { to: { var: 'record.email' }, subject: 'Hi' },
      },
    });
    expect(node(after, 'task')).toMatchObject({ next: 'sendEmail1' });
    expect(node(after, 'sendEmail1')).toEqual({
      id: 'sendEmail1',
      kind: 'sendEmail',
      label: { en: 'Mail' },
      subject: 'Hi',
      body: '',
      to: { var: 'record.email' },
      next: 'wait',
    });
    expect(state.selection).toEqual({ kind: 'flowNode', flowId: 'welcome', nodeId: 'sendEmail1' });
    expect(checkFlows(after)).toEqual([]);
  });

  it('inserts before the start and at the end of a path', () => {
    const first = roundTrip(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: null },
      node: { kind: 'delay' },
    }).after;
    expect(flow(first).start).toBe('delay1');
    expect(node(first, 'delay1')).toMatchObject({ minutes: 60, next: 'task' });
    const last = roundTrip(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'note', slot: 'next' },
      node: { kind: 'end' },
    }).after;
    expect(node(last, 'note')).toMatchObject({ next: 'end1' });
  });

  it.each(
    Object.entries(FLOW_NODE_KINDS)
      .filter(([, info]) => info.insertable)
      .map(([kind]) => kind),
  )('inserts a %s node the document validator and flow checker accept', (kind) => {
    const at =
      kind === 'end' ? { from: 'note', slot: 'next' as const } : { from: 'task', slot: 'next' as const };
    // A score needs a number field of the trigger record to land in.
    const doc = applied(crm(), {
      type: 'addField',
      entityId: 'lead',
      fieldType: 'number',
      label: { en: 'Score' },
    });
    const { after } = roundTrip(doc, {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at,
      node: { kind } as never,
    });
    const result = validateAppDocument(after);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(checkFlows(after)).toEqual([]);
  });

  it('gives a condition one branch and an else leading on, and a path end an end node', () => {
    const { after } = roundTrip(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'task', slot: 'next' },
      node: { kind: 'condition' },
    });
    expect(node(after, 'condition1')).toEqual({
      id: 'condition1',
      kind: 'condition',
      branches: [{ condition: true, next: 'wait' }],
      else: 'wait',
    });
    const atEnd = roundTrip(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'note', slot: 'next' },
      node: { kind: 'condition' },
    }).after;
    expect(node(atEnd, 'condition1')).toMatchObject({ branches: [{ next: 'end1' }], else: 'end1' });
    expect(node(atEnd, 'end1')).toEqual({ id: 'end1', kind: 'end' });
  });

  it('gives a parallel two branches and its join, which continues where the edge led', () => {
    const { after } = roundTrip(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'wait', slot: 'next' },
      node: { kind: 'parallel' },
    });
    expect(node(after, 'parallel1')).toEqual({
      id: 'parallel1',
      kind: 'parallel',
      branches: ['join1', 'join1'],
      join: 'join1',
    });
    expect(node(after, 'join1')).toEqual({ id: 'join1', kind: 'join', mode: 'all', next: 'note' });
    // Filling a branch then works as in any flow.
    const filled = applied(after, {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'parallel1', slot: { branch: 0 } },
      node: { kind: 'createTask' },
    });
    expect(node(filled, 'parallel1')).toMatchObject({ branches: ['createTask1', 'join1'] });
    expect(node(filled, 'createTask1')).toMatchObject({ next: 'join1' });
  });

  it('inserts where branches meet', () => {
    const { after } = roundTrip(crm(), {
      type: 'insertFlowNode',
      flowId: 'big_deal',
      at: { before: 'done' },
      node: { kind: 'delay' },
    });
    const pointing = flow(after, 'big_deal').nodes.filter(
      (n) => n.id !== 'done' && JSON.stringify(n).includes('"done"'),
    );
    expect(pointing.map((n) => n.id)).toEqual(['delay1']);
    expect(node(after, 'check', 'big_deal')).toMatchObject({ else: 'delay1' });
    expect(flowCanvas(flow(after, 'big_deal')).items.at(-2)).toMatchObject({
      kind: 'step',
      nodeId: 'delay1',
    });
  });

  it('refuses joins, end nodes mid-path, unknown places and foreign properties', () => {
    refused(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'task', slot: 'next' },
        node: { kind: 'join' } as never,
      },
      'not_allowed',
    );
    refused(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'task', slot: 'next' },
        node: { kind: 'end' },
      },
      'not_allowed',
    );
    refused(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'ghost', slot: 'next' },
        node: { kind: 'delay' },
      },
      'invalid_target',
    );
    refused(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'task', slot: 'else' },
        node: { kind: 'delay' },
      },
      'invalid_target',
    );
    refused(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: null },
        node: { kind: 'delay', config: { subject: 'x' } as never },
      },
      'invalid_value',
    );
    refused(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: null },
        node: { kind: 'delay' },
        nodeId: 'task',
      },
      'duplicate_id',
    );
  });
});
