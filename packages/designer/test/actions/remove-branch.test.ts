import { checkFlows } from '@dougong/flows';
import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

const flow = (doc: ReturnType<typeof crm>) => doc.flows!.find((f) => f.id === 'big_deal')!;

describe('removeBranch', () => {
  it('removes a condition branch with the steps only it reached', () => {
    const doc = applied(crm(), { type: 'addBranch', flowId: 'big_deal', nodeId: 'check' });
    const { after } = roundTrip(doc, {
      type: 'removeBranch',
      flowId: 'big_deal',
      nodeId: 'check',
      branch: 0,
    });
    expect(flow(after).nodes.map((n) => n.id)).toEqual(['check', 'done']);
    expect(flow(after).nodes[0]).toEqual({
      id: 'check',
      kind: 'condition',
      branches: [{ condition: true, next: 'done' }],
      else: 'done',
    });
    expect(checkFlows(after)).toEqual([]);
  });

  it('removes the else', () => {
    const { after } = roundTrip(crm(), {
      type: 'removeBranch',
      flowId: 'big_deal',
      nodeId: 'check',
      branch: 'else',
    });
    expect(flow(after).nodes[0]).not.toHaveProperty('else');
    // `done` is still reached through the other paths.
    expect(flow(after).nodes.some((n) => n.id === 'done')).toBe(true);
  });

  it('removes a parallel branch with its steps', () => {
    const doc = applied(crm(), { type: 'addBranch', flowId: 'big_deal', nodeId: 'fanout' });
    const { after } = roundTrip(doc, {
      type: 'removeBranch',
      flowId: 'big_deal',
      nodeId: 'fanout',
      branch: 0,
    });
    expect(flow(after).nodes.find((n) => n.id === 'fanout')).toMatchObject({ branches: ['log', 'meet'] });
    expect(flow(after).nodes.some((n) => n.id === 'mail')).toBe(false);
  });

  it('keeps a condition branch and two parallel branches', () => {
    refused(crm(), { type: 'removeBranch', flowId: 'big_deal', nodeId: 'check', branch: 0 }, 'last_item');
    refused(crm(), { type: 'removeBranch', flowId: 'big_deal', nodeId: 'fanout', branch: 1 }, 'last_item');
    refused(crm(), { type: 'removeBranch', flowId: 'big_deal', nodeId: 'check', branch: 5 }, 'not_found');
    refused(crm(), { type: 'removeBranch', flowId: 'big_deal', nodeId: 'mail', branch: 0 }, 'not_allowed');
  });
});
