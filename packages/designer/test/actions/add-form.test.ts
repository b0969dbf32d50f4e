import { defaultForm } from '@dougong/forms';
import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('addForm', () => {
  it('starts from the generated form the runtime would show', () => {
    const doc = crm();
    const { after, state } = roundTrip(doc, { type: 'addForm', entityId: 'account', kind: 'full' });
    const form = after.forms!.at(-1)!;
    expect(form).toMatchObject({
      id: 'account_full',
      entity: 'account',
      kind: 'full',
      label: doc.entities[0]!.label,
    });
    expect(form.layout).toEqual(defaultForm(doc.entities[0]!).layout);
    expect(state.selection).toEqual({ kind: 'form', formId: 'account_full' });
    expect(validateAppDocument(after).ok).toBe(true);
  });

  it('adds an empty public form with its page texts', () => {
    const { after } = roundTrip(crm(), {
      type: 'addForm',
      entityId: 'lead',
      kind: 'public',
      layout: 'empty',
      label: { en: 'Event' },
    });
    const form = after.forms!.at(-1)!;
    expect(form).toMatchObject({ id: 'lead_public', layout: [], public: { title: { en: 'Event' } } });
    expect(form.public!.thankYou['zh-CN']).toBeTruthy();
  });

  it('refuses child entities and taken or invalid ids', () => {
    refused(crm(), { type: 'addForm', entityId: 'opportunity_line', kind: 'full' }, 'not_allowed');
    refused(
      crm(),
      { type: 'addForm', entityId: 'lead', kind: 'full', formId: 'lead_signup' },
      'duplicate_id',
    );
    refused(crm(), { type: 'addForm', entityId: 'lead', kind: 'full', formId: 'Bad' }, 'invalid_id');
    refused(crm(), { type: 'addForm', entityId: 'ghost', kind: 'full' }, 'not_found');
  });
});
