import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

describe('removeForm', () => {
  it('removes a form', () => {
    const doc = applied(crm(), { type: 'addForm', entityId: 'account', kind: 'quickCreate' });
    const { after, state } = roundTrip(doc, { type: 'removeForm', formId: 'account_quickcreate' });
    expect(after.forms!.map((f) => f.id)).toEqual(['opportunity_full', 'lead_signup']);
    expect(state.selection).toBeNull();
  });

  it('refuses while a flow starts on its submissions', () => {
    const refusal = refused(crm(), { type: 'removeForm', formId: 'lead_signup' }, 'referenced');
    expect(refusal.usages!.map((u) => u.path)).toEqual(['/flows/0/trigger/form']);
    refused(crm(), { type: 'removeForm', formId: 'ghost' }, 'not_found');
  });
});
