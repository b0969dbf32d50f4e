import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('removeRole', () => {
  it('removes a role', () => {
    const { after, state } = roundTrip(crm(), { type: 'removeRole', roleKey: 'rep' });
    expect(after.roles!.map((r) => r.key)).toEqual(['manager']);
    expect(state.selection).toBeNull();
  });

  it('refuses while an approval step asks the role', () => {
    const refusal = refused(crm(), { type: 'removeRole', roleKey: 'manager' }, 'referenced');
    expect(refusal.usages!.map((u) => u.path)).toEqual(['/flows/1/nodes/1/approvers/role']);
    refused(crm(), { type: 'removeRole', roleKey: 'ghost' }, 'not_found');
  });
});
