import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('removeFormRule', () => {
  it('removes a rule and drops an emptied list', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'removeFormRule',
      formId: 'opportunity_full',
      ruleId: 'loss-shown',
    });
    expect('linkage' in after.forms![0]!).toBe(false);
    expect(after.forms![0]!.validation).toHaveLength(1);
    expect(state.selection).toEqual({ kind: 'form', formId: 'opportunity_full' });
  });

  it('refuses unknown rules', () => {
    refused(crm(), { type: 'removeFormRule', formId: 'opportunity_full', ruleId: 'ghost' }, 'not_found');
  });
});
