import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('updateRole', () => {
  it('renames a role and its key, following approval steps that name it', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'updateRole',
      roleKey: 'manager',
      patch: { key: 'salesManager', label: { en: 'Sales manager' }, description: { en: 'Leads the team' } },
    });
    expect(after.roles![1]).toMatchObject({
      key: 'salesManager',
      label: { en: 'Sales manager' },
      description: { en: 'Leads the team' },
    });
    expect(after.flows![1]!.nodes.find((n) => n.id === 'approve')).toMatchObject({
      approvers: { kind: 'role', role: 'salesManager' },
    });
    expect(state.selection).toEqual({ kind: 'role', roleKey: 'salesManager' });
  });

  it('refuses taken keys and unknown roles', () => {
    refused(crm(), { type: 'updateRole', roleKey: 'manager', patch: { key: 'rep' } }, 'duplicate_key');
    refused(crm(), { type: 'updateRole', roleKey: 'ghost', patch: {} }, 'not_found');
  });
});
