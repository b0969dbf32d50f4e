import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('addRole', () => {
  it('adds a role without grants, its key from the English label', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'addRole',
      label: { 'zh-CN': '客服', en: 'Support agent' },
    });
    expect(after.roles!.at(-1)).toEqual({
      key: 'supportAgent',
      label: { 'zh-CN': '客服', en: 'Support agent' },
      grants: [],
    });
    expect(state.selection).toEqual({ kind: 'role', roleKey: 'supportAgent' });
  });

  it('refuses taken and invalid keys', () => {
    refused(crm(), { type: 'addRole', label: { en: 'x' }, roleKey: 'rep' }, 'duplicate_key');
    refused(crm(), { type: 'addRole', label: { en: 'x' }, roleKey: 'Rep' }, 'invalid_key');
  });
});
