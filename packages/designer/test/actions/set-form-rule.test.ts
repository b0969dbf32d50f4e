import { checkFormRules } from '@dougong/forms';
import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch, undo } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const form = (doc: ReturnType<typeof crm>) => doc.forms!.find((f) => f.id === 'opportunity_full')!;

describe('setFormRule', () => {
  it('adds a linkage rule with a fresh id and selects it', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'setFormRule',
      formId: 'opportunity_full',
      ruleKind: 'linkage',
      rule: { when: { '==': [{ var: 'stage' }, 'lost'] }, action: 'require', fields: ['lossReason'] },
    });
    expect(form(after).linkage!.at(-1)).toEqual({
      id: 'rule-1',
      when: { '==': [{ var: 'stage' }, 'lost'] },
      action: 'require',
      fields: ['lossReason'],
    });
    expect(state.selection).toEqual({ kind: 'formRule', formId: 'opportunity_full', ruleId: 'rule-1' });
    expect(checkFormRules(after)).toEqual([]);
  });

  it('replaces a rule by id, and adds a first validation rule to a form without any', () => {
    const { after } = roundTrip(crm(), {
      type: 'setFormRule',
      formId: 'opportunity_full',
      ruleKind: 'linkage',
      rule: {
        id: 'loss-shown',
        when: { '==': [{ var: 'stage' }, 'won'] },
        action: 'hide',
        fields: ['lossReason'],
      },
    });
    expect(form(after).linkage).toEqual([
      { id: 'loss-shown', when: { '==': [{ var: 'stage' }, 'won'] }, action: 'hide', fields: ['lossReason'] },
    ]);
    const { after: signup } = roundTrip(crm(), {
      type: 'setFormRule',
      formId: 'lead_signup',
      ruleKind: 'validation',
      rule: {
        condition: { is_not_empty: [{ var: 'mobile' }] },
        message: { en: 'Mobile please' },
        path: 'mobile',
      },
    });
    expect(signup.forms!.find((f) => f.id === 'lead_signup')!.validation).toHaveLength(1);
  });

  it('merges typing a validation message into one undo step, but not condition changes', () => {
    const doc = deepFreeze(crm());
    const rule = form(doc).validation![0]!;
    let state = createDesignerState(doc);
    for (const en of ['A', 'Am', 'Amount > 0'])
      state = dispatch(state, {
        type: 'setFormRule',
        formId: 'opportunity_full',
        ruleKind: 'validation',
        rule: { ...rule, message: { en } },
      });
    expect(state.past).toHaveLength(1);
    state = dispatch(state, {
      type: 'setFormRule',
      formId: 'opportunity_full',
      ruleKind: 'validation',
      rule: { ...rule, message: { en: 'Amount > 0' }, condition: { dec_gte: [{ var: 'amount' }, '1'] } },
    });
    expect(state.past).toHaveLength(2);
    expect(undo(undo(state)).doc).toBe(doc);
  });

  it('refuses ids used by a rule of the other kind', () => {
    refused(
      crm(),
      {
        type: 'setFormRule',
        formId: 'opportunity_full',
        ruleKind: 'validation',
        rule: { id: 'loss-shown', condition: true, message: { en: 'x' }, path: 'name' },
      },
      'duplicate_id',
    );
    refused(
      crm(),
      {
        type: 'setFormRule',
        formId: 'opportunity_full',
        ruleKind: 'linkage',
        rule: { id: 'Bad Id', when: true, action: 'show', fields: ['name'] },
      },
      'invalid_id',
    );
    refused(
      crm(),
      {
        type: 'setFormRule',
        formId: 'ghost',
        ruleKind: 'linkage',
        rule: { when: true, action: 'show', fields: ['name'] },
      },
      'not_found',
    );
  });
});
