import { checkFlows } from '@dougong/flows';
import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const flow = (doc: ReturnType<typeof crm>, id = 'welcome') => doc.flows!.find((f) => f.id === id)!;
const order = (doc: ReturnType<typeof crm>) => {
  const f = flow(doc);
  const out: string[] = [];
  let id: string | undefined = f.start;
  while (id) {
    out.push(id);
    id = (f.nodes.find((n) => n.id === id) as { next?: string }).next;
  }
  return out;
};

describe('moveFlowNode', () => {
  it('moves a step to another edge, reconnecting both places', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'moveFlowNode',
      flowId: 'welcome',
      nodeId: 'note',
      to: { from: null },
    });
    expect(order(after)).toEqual(['note', 'task', 'wait']);
    expect(state.selection).toEqual({ kind: 'flowNode', flowId: 'welcome', nodeId: 'note' });
    const { after: down } = roundTrip(crm(), {
      type: 'moveFlowNode',
      flowId: 'welcome',
      nodeId: 'task',
      to: { from: 'note', slot: 'next' },
    });
    expect(order(down)).toEqual(['wait', 'note', 'task']);
  });

  it('moves a step into a branch', () => {
    const { after } = roundTrip(crm(), {
      type: 'moveFlowNode',
      flowId: 'big_deal',
      nodeId: 'sorry',
      to: { from: 'check', slot: 'else' },
    });
    expect(flow(after, 'big_deal').nodes.find((n) => n.id === 'check')).toMatchObject({ else: 'sorry' });
    expect(flow(after, 'big_deal').nodes.find((n) => n.id === 'sorry')).toMatchObject({ next: 'done' });
    // Its old place, the approval's rejected path, now goes straight on.
    expect(flow(after, 'big_deal').nodes.find((n) => n.id === 'approve')).toMatchObject({ rejected: 'done' });
    expect(checkFlows(after)).toEqual([]);
  });

  it('moves a step to where branches meet, without pointing it at itself', () => {
    const { after } = roundTrip(crm(), {
      type: 'moveFlowNode',
      flowId: 'big_deal',
      nodeId: 'sorry',
      to: { before: 'done' },
    });
    const nodes = flow(after, 'big_deal').nodes;
    expect(nodes.find((n) => n.id === 'sorry')).toMatchObject({ next: 'done' });
    expect(nodes.find((n) => n.id === 'check')).toMatchObject({ else: 'sorry' });
    expect(nodes.find((n) => n.id === 'meet')).toMatchObject({ next: 'sorry' });
    expect(nodes.find((n) => n.id === 'approve')).toMatchObject({ rejected: 'sorry' });
    expect(nodes.map((n) => n.id)).toEqual(crm().flows![1]!.nodes.map((n) => n.id));
    expect(checkFlows(after)).toEqual([]);
  });

  it('is a no-op on its own edges', () => {
    const doc = deepFreeze(crm());
    for (const to of [
      { from: 'task', slot: 'next' as const },
      { from: 'wait', slot: 'next' as const },
      { before: 'wait' },
    ]) {
      const state = dispatch(createDesignerState(doc), {
        type: 'moveFlowNode',
        flowId: 'welcome',
        nodeId: 'wait',
        to,
      });
      expect(state.doc).toBe(doc);
      expect(state.past).toHaveLength(0);
    }
  });

  it('refuses splits, joins, ends and unknown places', () => {
    refused(
      crm(),
      { type: 'moveFlowNode', flowId: 'big_deal', nodeId: 'check', to: { from: null } },
      'not_allowed',
    );
    refused(
      crm(),
      { type: 'moveFlowNode', flowId: 'big_deal', nodeId: 'approve', to: { from: null } },
      'not_allowed',
    );
    refused(
      crm(),
      { type: 'moveFlowNode', flowId: 'big_deal', nodeId: 'meet', to: { from: null } },
      'not_allowed',
    );
    refused(
      crm(),
      { type: 'moveFlowNode', flowId: 'big_deal', nodeId: 'done', to: { from: null } },
      'not_allowed',
    );
    refused(
      crm(),
      { type: 'moveFlowNode', flowId: 'welcome', nodeId: 'wait', to: { from: 'ghost', slot: 'next' } },
      'invalid_target',
    );
  });
});
