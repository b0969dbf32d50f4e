import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

const stage = (doc: ReturnType<typeof crm>) =>
  doc.entities.find((e) => e.id === 'opportunity')!.fields.find((f) => f.id === 'stage') as {
    options: Array<{ id: string; label: object; color?: string }>;
  };

describe('addOption', () => {
  it('adds an option with an id from its English label and the next colour', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'addOption',
      entityId: 'opportunity',
      fieldId: 'stage',
      label: { 'zh-CN': '谈判', en: 'Negotiation' },
    });
    expect(stage(after).options.at(-1)).toEqual({
      id: 'negotiation',
      label: { 'zh-CN': '谈判', en: 'Negotiation' },
      color: '#f5222d',
    });
    expect(state.selection).toEqual({
      kind: 'option',
      entityId: 'opportunity',
      fieldId: 'stage',
      optionId: 'negotiation',
    });
  });

  it('numbers options without a label and inserts at an index', () => {
    const { after } = roundTrip(crm(), {
      type: 'addOption',
      entityId: 'opportunity',
      fieldId: 'stage',
      index: 1,
      color: '#000000',
    });
    expect(stage(after).options.map((o) => o.id)).toEqual(['new', 'option4', 'won', 'lost']);
    expect(stage(after).options[1]).toMatchObject({
      label: { 'zh-CN': '选项 4', en: 'Option 4' },
      color: '#000000',
    });
  });

  it('refuses non-select fields, taken and invalid ids', () => {
    refused(crm(), { type: 'addOption', entityId: 'opportunity', fieldId: 'name' }, 'not_allowed');
    refused(
      crm(),
      { type: 'addOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'won' },
      'duplicate_id',
    );
    refused(
      crm(),
      { type: 'addOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'a b' },
      'invalid_id',
    );
    refused(crm(), { type: 'addOption', entityId: 'opportunity', fieldId: 'ghost' }, 'not_found');
  });
});
