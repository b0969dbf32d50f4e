import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch, undo } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const option = (doc: ReturnType<typeof crm>, id: string) =>
  (
    doc.entities.find((e) => e.id === 'opportunity')!.fields.find((f) => f.id === 'stage') as {
      options: Array<{ id: string }>;
    }
  ).options.find((o) => o.id === id);

describe('updateOption', () => {
  it('changes the label and colour, keeping the id', () => {
    const { after } = roundTrip(crm(), {
      type: 'updateOption',
      entityId: 'opportunity',
      fieldId: 'stage',
      optionId: 'won',
      label: { 'zh-CN': '成交', en: 'Closed won' },
      color: '#00aa00',
    });
    expect(option(after, 'won')).toEqual({
      id: 'won',
      label: { 'zh-CN': '成交', en: 'Closed won' },
      color: '#00aa00',
    });
    const { after: plain } = roundTrip(after, {
      type: 'updateOption',
      entityId: 'opportunity',
      fieldId: 'stage',
      optionId: 'won',
      color: null,
    });
    expect(option(plain, 'won')).toEqual({ id: 'won', label: { 'zh-CN': '成交', en: 'Closed won' } });
  });

  it('merges typing a label into one undo step', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    for (const en of ['W', 'Wo', 'Won!'])
      state = dispatch(state, {
        type: 'updateOption',
        entityId: 'opportunity',
        fieldId: 'stage',
        optionId: 'won',
        label: { en },
      });
    expect(state.past).toHaveLength(1);
    expect(undo(state).doc).toBe(doc);
  });

  it('refuses unknown options and malformed colours', () => {
    refused(
      crm(),
      {
        type: 'updateOption',
        entityId: 'opportunity',
        fieldId: 'stage',
        optionId: 'ghost',
        color: '#000000',
      },
      'not_found',
    );
    refused(
      crm(),
      { type: 'updateOption', entityId: 'opportunity', fieldId: 'stage', optionId: 'won', color: 'green' },
      'invalid_value',
    );
  });
});
