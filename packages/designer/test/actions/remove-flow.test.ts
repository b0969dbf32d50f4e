import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('removeFlow', () => {
  it('removes a flow', () => {
    const { after, state } = roundTrip(crm(), { type: 'removeFlow', flowId: 'welcome' });
    expect(after.flows!.map((f) => f.id)).toEqual(['big_deal']);
    expect(state.selection).toBeNull();
  });

  it('refuses unknown flows', () => {
    refused(crm(), { type: 'removeFlow', flowId: 'ghost' }, 'not_found');
  });
});
