import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('updateForm', () => {
  it('renames a form and makes it public with default page texts', () => {
    const { after } = roundTrip(crm(), {
      type: 'updateForm',
      formId: 'opportunity_full',
      patch: { label: { en: 'Deal' }, kind: 'public' },
    });
    const form = after.forms!.find((f) => f.id === 'opportunity_full')!;
    expect(form).toMatchObject({
      label: { en: 'Deal' },
      kind: 'public',
      public: { title: { 'zh-CN': '商机', en: 'Opportunity' } },
    });
  });

  it('sets public settings and drops them when the form stops being public', () => {
    const settings = { title: { en: 'Join' }, thankYou: { en: 'Thanks!' }, prefill: ['name'] };
    const doc = crm();
    doc.flows = doc.flows!.filter((f) => f.id !== 'welcome');
    const { after } = roundTrip(doc, {
      type: 'updateForm',
      formId: 'lead_signup',
      patch: { public: settings },
    });
    expect(after.forms!.find((f) => f.id === 'lead_signup')!.public).toEqual(settings);
    const { after: full } = roundTrip(after, {
      type: 'updateForm',
      formId: 'lead_signup',
      patch: { kind: 'full' },
    });
    expect(full.forms!.find((f) => f.id === 'lead_signup')!.public).toBeUndefined();
  });

  it('keeps a form public while a flow starts on its submissions', () => {
    refused(
      crm(),
      { type: 'updateForm', formId: 'lead_signup', patch: { kind: 'quickCreate' } },
      'referenced',
    );
    refused(
      crm(),
      {
        type: 'updateForm',
        formId: 'opportunity_full',
        patch: { public: { title: { en: 'x' }, thankYou: { en: 'y' } } },
      },
      'invalid_value',
    );
    refused(crm(), { type: 'updateForm', formId: 'ghost', patch: {} }, 'not_found');
  });
});
