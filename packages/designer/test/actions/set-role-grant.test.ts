import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

describe('setRoleGrant', () => {
  it('adds, replaces and removes a grant', () => {
    const { after } = roundTrip(crm(), {
      type: 'setRoleGrant',
      roleKey: 'rep',
      entityId: 'lead',
      grant: { actions: ['create', 'read'], scope: 'own', condition: { '==': [{ var: 'source' }, 'web'] } },
    });
    expect(after.roles![0]!.grants.at(-1)).toEqual({
      entity: 'lead',
      actions: ['create', 'read'],
      scope: 'own',
      condition: { '==': [{ var: 'source' }, 'web'] },
    });
    expect(validateAppDocument(after).ok).toBe(true);
    const { after: replaced } = roundTrip(after, {
      type: 'setRoleGrant',
      roleKey: 'rep',
      entityId: 'opportunity',
      grant: { actions: ['read'], scope: 'all' },
    });
    expect(replaced.roles![0]!.grants[0]).toEqual({ entity: 'opportunity', actions: ['read'], scope: 'all' });
    const { after: removed } = roundTrip(replaced, {
      type: 'setRoleGrant',
      roleKey: 'rep',
      entityId: 'opportunity',
      grant: null,
    });
    expect(removed.roles![0]!.grants.map((g) => g.entity)).toEqual(['lead']);
  });

  it('is a no-op when removing a grant that does not exist', () => {
    const doc = deepFreeze(crm());
    const state = dispatch(createDesignerState(doc), {
      type: 'setRoleGrant',
      roleKey: 'rep',
      entityId: 'lead',
      grant: null,
    });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
  });

  it('refuses child entities and unknown fields', () => {
    refused(
      crm(),
      {
        type: 'setRoleGrant',
        roleKey: 'rep',
        entityId: 'opportunity_line',
        grant: { actions: ['read'], scope: 'all' },
      },
      'not_allowed',
    );
    refused(
      crm(),
      {
        type: 'setRoleGrant',
        roleKey: 'rep',
        entityId: 'lead',
        grant: { actions: ['read'], scope: 'all', fields: { ghost: 'hidden' } },
      },
      'not_found',
    );
    refused(crm(), { type: 'setRoleGrant', roleKey: 'ghost', entityId: 'lead', grant: null }, 'not_found');
  });
});
