import { checkFlows } from '@dougong/flows';
import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

const ids = (doc: ReturnType<typeof crm>, flowId = 'big_deal') =>
  doc.flows!.find((f) => f.id === flowId)!.nodes.map((n) => n.id);
const node = (doc: ReturnType<typeof crm>, id: string, flowId = 'big_deal') =>
  doc.flows!.find((f) => f.id === flowId)!.nodes.find((n) => n.id === id)!;

describe('removeFlowNode', () => {
  it('reconnects around a step', () => {
    const { after, state } = roundTrip(crm(), { type: 'removeFlowNode', flowId: 'welcome', nodeId: 'wait' });
    expect(ids(after, 'welcome')).toEqual(['task', 'note']);
    expect(node(after, 'task', 'welcome')).toMatchObject({ next: 'note' });
    expect(state.selection).toEqual({ kind: 'flow', flowId: 'welcome' });
  });

  it('moves the start on when the first step goes', () => {
    const { after } = roundTrip(crm(), { type: 'removeFlowNode', flowId: 'welcome', nodeId: 'task' });
    expect(after.flows![0]!.start).toBe('wait');
  });

  it('removes a condition with its branches, reconnecting to where they meet', () => {
    const { after } = roundTrip(crm(), { type: 'removeFlowNode', flowId: 'big_deal', nodeId: 'check' });
    expect(after.flows![1]!.start).toBe('done');
    expect(ids(after)).toEqual(['done']);
    expect(checkFlows(after)).toEqual([]);
  });

  it('removes a parallel with its branches and join', () => {
    const { after } = roundTrip(crm(), { type: 'removeFlowNode', flowId: 'big_deal', nodeId: 'fanout' });
    expect(ids(after)).toEqual(['check', 'approve', 'sorry', 'done']);
    expect(node(after, 'approve')).toMatchObject({ approved: 'done' });
    expect(checkFlows(after)).toEqual([]);
  });

  it('removes an approval with what only its other paths reach, continuing on its approved path', () => {
    const { after } = roundTrip(crm(), { type: 'removeFlowNode', flowId: 'big_deal', nodeId: 'approve' });
    expect(ids(after)).toEqual(['check', 'fanout', 'mail', 'log', 'meet', 'done']);
    expect(node(after, 'check')).toMatchObject({ branches: [{ next: 'fanout' }] });
    expect(checkFlows(after)).toEqual([]);
  });

  it('gives a branch left empty at the end of a path an end node', () => {
    const doc = applied(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'note', slot: 'next' },
        node: { kind: 'condition' },
      },
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'condition1', slot: { branch: 0 } },
        node: { kind: 'delay' },
      },
      { type: 'removeFlowNode', flowId: 'welcome', nodeId: 'end1' },
    );
    expect(node(doc, 'delay1', 'welcome')).not.toHaveProperty('next');
    const { after } = roundTrip(doc, { type: 'removeFlowNode', flowId: 'welcome', nodeId: 'delay1' });
    expect(node(after, 'condition1', 'welcome')).toMatchObject({ branches: [{ next: 'end1' }] });
    expect(checkFlows(after)).toEqual([]);
  });

  it('refuses a join, the last node, an end a branch needs, unknown nodes', () => {
    refused(crm(), { type: 'removeFlowNode', flowId: 'big_deal', nodeId: 'meet' }, 'not_allowed');
    const single = applied(crm(), { type: 'addFlow', label: { en: 'Solo' } });
    refused(single, { type: 'removeFlowNode', flowId: 'solo', nodeId: 'end1' }, 'last_item');
    const branchEnd = applied(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'note', slot: 'next' },
      node: { kind: 'condition' },
    });
    refused(branchEnd, { type: 'removeFlowNode', flowId: 'welcome', nodeId: 'end1' }, 'not_allowed');
    refused(crm(), { type: 'removeFlowNode', flowId: 'welcome', nodeId: 'ghost' }, 'not_found');
  });
});
