import { checkFlows } from '@dougong/flows';
import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

describe('setBranchCondition', () => {
  it('sets a branch condition', () => {
    const condition = {
      and: [{ dec_gte: [{ var: 'record.amount' }, '50000'] }, { '==': [{ var: 'record.stage' }, 'won'] }],
    };
    const { after } = roundTrip(crm(), {
      type: 'setBranchCondition',
      flowId: 'big_deal',
      nodeId: 'check',
      branch: 0,
      condition,
    });
    expect(after.flows![1]!.nodes[0]).toMatchObject({ branches: [{ condition, next: 'approve' }] });
    expect(checkFlows(after)).toEqual([]);
  });

  it('is a no-op for the same condition', () => {
    const doc = deepFreeze(crm());
    const state = dispatch(createDesignerState(doc), {
      type: 'setBranchCondition',
      flowId: 'big_deal',
      nodeId: 'check',
      branch: 0,
      condition: { dec_gte: [{ var: 'record.amount' }, '100000'] },
    });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
  });

  it('refuses non-conditions and unknown branches', () => {
    refused(
      crm(),
      { type: 'setBranchCondition', flowId: 'big_deal', nodeId: 'fanout', branch: 0, condition: true },
      'not_allowed',
    );
    refused(
      crm(),
      { type: 'setBranchCondition', flowId: 'big_deal', nodeId: 'check', branch: 3, condition: true },
      'not_found',
    );
    refused(
      crm(),
      { type: 'setBranchCondition', flowId: 'big_deal', nodeId: 'check', branch: 0, condition: undefined },
      'invalid_value',
    );
  });
});
