import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

const stage = (doc: ReturnType<typeof crm>, id = 'stage') =>
  doc.entities.find((e) => e.id === 'opportunity')!.fields.find((f) => f.id === id) as {
    options: Array<{ id: string }>;
    default?: unknown;
  };

describe('removeOption', () => {
  it('removes an option and drops it from the default', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'removeOption',
      entityId: 'opportunity',
      fieldId: 'stage',
      optionId: 'new',
    });
    expect(stage(after).options.map((o) => o.id)).toEqual(['won', 'lost']);
    expect(stage(after).default).toBeUndefined();
    expect(state.selection).toEqual({ kind: 'field', entityId: 'opportunity', fieldId: 'stage' });
  });

  it('drops it from a multi-select default', () => {
    const doc = applied(
      crm(),
      { type: 'addOption', entityId: 'opportunity', fieldId: 'tags', optionId: 'cold' },
      { type: 'updateField', entityId: 'opportunity', fieldId: 'tags', patch: { default: ['hot', 'cold'] } },
    );
    const { after } = roundTrip(doc, {
      type: 'removeOption',
      entityId: 'opportunity',
      fieldId: 'tags',
      optionId: 'hot',
    });
    expect(stage(after, 'tags')).toMatchObject({ options: [{ id: 'cold' }], default: ['cold'] });
  });

  it('refuses while rules compare the field with the option, listing where', () => {
    const refusal = refused(
      crm(),
      { type: 'removeOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'lost' },
      'referenced',
    );
    expect(refusal.usages!.map((u) => [u.kind, u.path])).toEqual([
      ['formLinkage', '/forms/0/linkage/0/when/=='],
    ]);
    const won = refused(
      crm(),
      { type: 'removeOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'won' },
      'referenced',
    );
    expect(won.usages!.map((u) => [u.kind, u.path])).toEqual([
      ['flowTrigger', '/flows/1/trigger/changed/0/to'],
    ]);
    const doc = applied(crm(), {
      type: 'setFormRule',
      formId: 'opportunity_full',
      ruleKind: 'validation',
      rule: {
        condition: { '!': [{ in_list: [{ var: 'stage' }, ['new']] }] },
        message: { en: 'x' },
        path: 'stage',
      },
    });
    expect(
      refused(
        doc,
        { type: 'removeOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'new' },
        'referenced',
      ).usages,
    ).toHaveLength(1);
  });

  it('refuses while a public form records it as the default channel', () => {
    const doc = applied(
      crm(),
      { type: 'addField', entityId: 'lead', fieldType: 'singleSelect', label: { en: 'Channel' } },
      {
        type: 'updateForm',
        formId: 'lead_signup',
        patch: {
          public: {
            title: { en: 'Join' },
            thankYou: { en: 'Thanks' },
            attribution: { channelField: 'channel', channel: 'option2' },
          },
        },
      },
    );
    const refusal = refused(
      doc,
      { type: 'removeOption', entityId: 'lead', fieldId: 'channel', optionId: 'option2' },
      'referenced',
    );
    expect(refusal.usages!.map((u) => [u.kind, u.path])).toEqual([
      ['formPublic', '/forms/1/public/attribution/channel'],
    ]);
    roundTrip(doc, { type: 'removeOption', entityId: 'lead', fieldId: 'channel', optionId: 'option1' });
  });

  it('keeps the last option', () => {
    refused(
      crm(),
      { type: 'removeOption', entityId: 'opportunity', fieldId: 'tags', optionId: 'hot' },
      'last_item',
    );
    refused(
      crm(),
      { type: 'removeOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'ghost' },
      'not_found',
    );
  });
});
