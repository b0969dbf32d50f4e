import { describe, expect, it } from 'vitest';
import { createDesignerState, defaultTrigger, dispatch, undo } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

describe('updateFlowMeta', () => {
  it('sets the trigger, switch, interval and retries, and removes them with null', () => {
    const doc = crm();
    const { after } = roundTrip(doc, {
      type: 'updateFlowMeta',
      flowId: 'welcome',
      patch: {
        trigger: defaultTrigger('scheduled', doc),
        enabled: false,
        expectedEvery: 'P1D',
        retry: { maxAttempts: 3 },
      },
    });
    expect(after.flows![0]).toMatchObject({
      trigger: { kind: 'scheduled', cron: '0 9 * * 1' },
      enabled: false,
      expectedEvery: 'P1D',
      retry: { maxAttempts: 3 },
    });
    const { after: cleared } = roundTrip(after, {
      type: 'updateFlowMeta',
      flowId: 'welcome',
      patch: { enabled: null, expectedEvery: '', retry: null },
    });
    expect(Object.keys(cleared.flows![0]!).sort()).toEqual([
      'id',
      'key',
      'label',
      'nodes',
      'start',
      'trigger',
    ]);
  });

  it('merges typing the label into one undo step', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    for (const en of ['H', 'He', 'Hello'])
      state = dispatch(state, { type: 'updateFlowMeta', flowId: 'welcome', patch: { label: { en } } });
    expect(state.past).toHaveLength(1);
    expect(undo(state).doc).toBe(doc);
  });

  it('refuses taken keys and unknown flows', () => {
    refused(crm(), { type: 'updateFlowMeta', flowId: 'welcome', patch: { key: 'bigDeal' } }, 'duplicate_key');
    refused(crm(), { type: 'updateFlowMeta', flowId: 'welcome', patch: { key: 'Big' } }, 'invalid_key');
    refused(crm(), { type: 'updateFlowMeta', flowId: 'ghost', patch: {} }, 'not_found');
  });
});
