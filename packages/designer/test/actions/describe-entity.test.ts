import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('describeEntity', () => {
  it('sets description, icon, title, sort and search fields', () => {
    const { after } = roundTrip(crm(), {
      type: 'describeEntity',
      entityId: 'opportunity',
      description: { 'zh-CN': '销售机会' },
      icon: 'trophy',
      titleField: 'notes',
      defaultSort: [{ field: 'createdAt', desc: true }, { field: 'amount' }],
      searchFields: ['name', 'notes'],
    });
    expect(after.entities.find((e) => e.id === 'opportunity')).toMatchObject({
      description: { 'zh-CN': '销售机会' },
      icon: 'trophy',
      titleField: 'notes',
      defaultSort: [{ field: 'createdAt', desc: true }, { field: 'amount' }],
      searchFields: ['name', 'notes'],
    });
  });

  it('removes settings with null and with empty lists', () => {
    const { after } = roundTrip(crm(), {
      type: 'describeEntity',
      entityId: 'opportunity',
      titleField: null,
      defaultSort: [],
      searchFields: null,
    });
    const entity = after.entities.find((e) => e.id === 'opportunity')!;
    expect('titleField' in entity).toBe(false);
    expect('defaultSort' in entity).toBe(false);
    expect('searchFields' in entity).toBe(false);
  });

  it('refuses unknown fields and sorting on what cannot be sorted', () => {
    refused(crm(), { type: 'describeEntity', entityId: 'opportunity', titleField: 'nope' }, 'not_found');
    refused(
      crm(),
      { type: 'describeEntity', entityId: 'opportunity', searchFields: ['name', 'ghost'] },
      'not_found',
    );
    refused(
      crm(),
      { type: 'describeEntity', entityId: 'opportunity', defaultSort: [{ field: 'tags' }] },
      'invalid_value',
    );
    refused(crm(), { type: 'describeEntity', entityId: 'ghost', icon: 'x' }, 'not_found');
  });
});
