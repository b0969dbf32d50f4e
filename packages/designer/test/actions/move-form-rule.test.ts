import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

describe('moveFormRule', () => {
  it('reorders rules within their list', () => {
    const doc = applied(crm(), {
      type: 'setFormRule',
      formId: 'opportunity_full',
      ruleKind: 'linkage',
      rule: { id: 'b', when: true, action: 'readOnly', fields: ['amount'] },
    });
    const { after, state } = roundTrip(doc, {
      type: 'moveFormRule',
      formId: 'opportunity_full',
      ruleId: 'b',
      target: { index: 0 },
    });
    expect(after.forms![0]!.linkage!.map((r) => r.id)).toEqual(['b', 'loss-shown']);
    expect(state.selection).toEqual({ kind: 'formRule', formId: 'opportunity_full', ruleId: 'b' });
  });

  it('refuses unknown rules and targets', () => {
    refused(
      crm(),
      { type: 'moveFormRule', formId: 'opportunity_full', ruleId: 'ghost', target: { index: 0 } },
      'not_found',
    );
    refused(
      crm(),
      {
        type: 'moveFormRule',
        formId: 'opportunity_full',
        ruleId: 'loss-shown',
        target: { afterId: 'amount-positive' },
      },
      'not_found',
    );
  });
});
