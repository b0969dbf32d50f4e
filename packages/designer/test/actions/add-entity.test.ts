import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('addEntity', () => {
  it('adds a standard entity with a name field as its title, ids from the English label', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'addEntity',
      label: { 'zh-CN': '合同', en: 'Sales contract' },
    });
    const entity = after.entities.at(-1)!;
    expect(entity).toMatchObject({ id: 'sales_contract', key: 'salesContract', titleField: 'name' });
    expect(entity.fields).toEqual([
      { id: 'name', key: 'name', label: { 'zh-CN': '名称', en: 'Name' }, type: 'text', required: true },
    ]);
    expect(state.selection).toEqual({ kind: 'entity', entityId: 'sales_contract' });
    expect(validateAppDocument(after).ok).toBe(true);
  });

  it('numbers ids taken already and falls back to "entity" for Chinese-only labels', () => {
    const { after } = roundTrip(crm(), { type: 'addEntity', label: { 'zh-CN': '合同' } });
    expect(after.entities.at(-1)).toMatchObject({ id: 'entity', key: 'entity' });
    const { after: again } = roundTrip(after, { type: 'addEntity', label: { en: 'Account' }, index: 0 });
    expect(again.entities[0]).toMatchObject({ id: 'account2', key: 'account2' });
  });

  it('refuses invalid and duplicate ids and keys', () => {
    refused(crm(), { type: 'addEntity', label: { en: 'X' }, entityId: 'Bad-Id' }, 'invalid_id');
    refused(crm(), { type: 'addEntity', label: { en: 'X' }, key: 'bad_key' }, 'invalid_key');
    refused(crm(), { type: 'addEntity', label: { en: 'X' }, entityId: 'lead' }, 'duplicate_id');
    refused(
      crm(),
      { type: 'addEntity', label: { en: 'X' }, entityId: 'lead2', key: 'lead' },
      'duplicate_key',
    );
  });
});
