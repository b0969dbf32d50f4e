import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch, undo } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

describe('renameEntity', () => {
  it('changes labels and the key, keeping the id', () => {
    const { after } = roundTrip(crm(), {
      type: 'renameEntity',
      entityId: 'lead',
      label: { 'zh-CN': '潜在客户', en: '' },
      key: 'prospect',
      pluralLabel: { en: 'Prospects' },
    });
    const lead = after.entities.find((e) => e.id === 'lead')!;
    // An emptied translation is dropped, not stored as "".
    expect(lead.label).toEqual({ 'zh-CN': '潜在客户' });
    expect(lead.key).toBe('prospect');
    expect(lead.pluralLabel).toEqual({ en: 'Prospects' });
  });

  it('removes the plural label with null', () => {
    const doc = roundTrip(crm(), {
      type: 'renameEntity',
      entityId: 'lead',
      pluralLabel: { en: 'Leads' },
    }).after;
    const { after } = roundTrip(doc, { type: 'renameEntity', entityId: 'lead', pluralLabel: null });
    expect(after.entities.find((e) => e.id === 'lead')!.pluralLabel).toBeUndefined();
  });

  it('merges typing into one undo step', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    for (const text of ['潜', '潜在', '潜在客户'])
      state = dispatch(state, {
        type: 'renameEntity',
        entityId: 'lead',
        label: { 'zh-CN': text, en: 'Lead' },
      });
    expect(state.past).toHaveLength(1);
    expect(state.doc.entities.find((e) => e.id === 'lead')!.label['zh-CN']).toBe('潜在客户');
    expect(undo(state).doc).toBe(doc);
  });

  it('is a no-op when nothing changes', () => {
    const doc = deepFreeze(crm());
    const state = dispatch(createDesignerState(doc), { type: 'renameEntity', entityId: 'lead', key: 'lead' });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
  });

  it('refuses unknown entities and bad or taken keys', () => {
    refused(crm(), { type: 'renameEntity', entityId: 'nope', key: 'x' }, 'not_found');
    refused(crm(), { type: 'renameEntity', entityId: 'lead', key: 'Lead' }, 'invalid_key');
    refused(crm(), { type: 'renameEntity', entityId: 'lead', key: 'account' }, 'duplicate_key');
  });
});
