import { checkFlows } from '@dougong/flows';
import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

const node = (doc: ReturnType<typeof crm>, id: string, flowId = 'big_deal') =>
  doc.flows!.find((f) => f.id === flowId)!.nodes.find((n) => n.id === id)!;

describe('addBranch', () => {
  it('adds a condition branch leading to where the branches meet', () => {
    const condition = { dec_lt: [{ var: 'record.amount' }, '1000'] };
    const { after, state } = roundTrip(crm(), {
      type: 'addBranch',
      flowId: 'big_deal',
      nodeId: 'check',
      condition,
      index: 0,
    });
    expect(node(after, 'check')).toMatchObject({
      branches: [{ condition, next: 'done' }, { next: 'approve' }],
      else: 'done',
    });
    expect(state.selection).toEqual({ kind: 'flowNode', flowId: 'big_deal', nodeId: 'check' });
    expect(checkFlows(after)).toEqual([]);
  });

  it('adds an end node when the branches never meet', () => {
    const doc = applied(crm(), { type: 'removeBranch', flowId: 'big_deal', nodeId: 'check', branch: 'else' });
    const { after } = roundTrip(doc, { type: 'addBranch', flowId: 'big_deal', nodeId: 'check' });
    expect(node(after, 'check')).toMatchObject({
      branches: [{ next: 'approve' }, { condition: true, next: 'end1' }],
    });
    expect(node(after, 'end1')).toEqual({ id: 'end1', kind: 'end' });
  });

  it('adds a parallel branch leading to the join', () => {
    const { after } = roundTrip(crm(), { type: 'addBranch', flowId: 'big_deal', nodeId: 'fanout' });
    expect(node(after, 'fanout')).toMatchObject({ branches: ['mail', 'log', 'meet'] });
  });

  it('refuses nodes without branches', () => {
    refused(crm(), { type: 'addBranch', flowId: 'big_deal', nodeId: 'mail' }, 'not_allowed');
    refused(crm(), { type: 'addBranch', flowId: 'big_deal', nodeId: 'ghost' }, 'not_found');
  });
});
