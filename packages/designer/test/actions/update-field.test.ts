import { checkFlows } from '@dougong/flows';
import { checkFormRules } from '@dougong/forms';
import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch, seal, undo } from '../../src/index.js';
import { applied, crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const field = (doc: ReturnType<typeof crm>, entityId: string, fieldId: string) =>
  doc.entities.find((e) => e.id === entityId)!.fields.find((f) => f.id === fieldId)!;

describe('updateField', () => {
  it('sets options of the field type and removes them with null', () => {
    const { after } = roundTrip(crm(), {
      type: 'updateField',
      entityId: 'account',
      fieldId: 'name',
      patch: { maxLength: 80, unique: true, help: { 'zh-CN': '工商注册名称' } },
    });
    expect(field(after, 'account', 'name')).toMatchObject({
      maxLength: 80,
      unique: true,
      help: { 'zh-CN': '工商注册名称' },
    });
    const { after: cleared } = roundTrip(after, {
      type: 'updateField',
      entityId: 'account',
      fieldId: 'name',
      patch: { required: null, unique: null, help: { en: '' } },
    });
    expect(field(cleared, 'account', 'name')).toEqual({
      id: 'name',
      key: 'name',
      label: { 'zh-CN': '名称', en: 'Name' },
      type: 'text',
      maxLength: 80,
    });
  });

  it('changes references, auto-number patterns and formulas', () => {
    const doc = applied(crm(), { type: 'addField', entityId: 'lead', fieldType: 'autoNumber' });
    const auto = doc.entities.find((e) => e.id === 'lead')!.fields.at(-1)!;
    const { after } = roundTrip(doc, {
      type: 'updateField',
      entityId: 'lead',
      fieldId: auto.id,
      patch: { pattern: 'L-{YYYY}-{0000}' },
    });
    expect(field(after, 'lead', auto.id)).toMatchObject({ pattern: 'L-{YYYY}-{0000}' });
    const ref = roundTrip(crm(), {
      type: 'updateField',
      entityId: 'opportunity',
      fieldId: 'account',
      patch: { target: 'lead' },
    }).after;
    expect(field(ref, 'opportunity', 'account')).toMatchObject({ target: 'lead' });
    const formula = roundTrip(crm(), {
      type: 'updateField',
      entityId: 'opportunity',
      fieldId: 'summary',
      patch: { expression: { cat: [{ var: 'name' }] }, resultType: 'text' },
    }).after;
    expect(field(formula, 'opportunity', 'summary')).toMatchObject({
      expression: { cat: [{ var: 'name' }] },
    });
  });

  it('renames a key everywhere rules, formulas, flows and templates name it', () => {
    const { after } = roundTrip(crm(), {
      type: 'updateField',
      entityId: 'opportunity',
      fieldId: 'stage',
      patch: { key: 'phase' },
    });
    expect(field(after, 'opportunity', 'stage').key).toBe('phase');
    const form = after.forms!.find((f) => f.id === 'opportunity_full')!;
    expect(form.linkage![0]!.when).toEqual({ '==': [{ var: 'phase' }, 'lost'] });
    expect(field(after, 'opportunity', 'summary')).toMatchObject({
      expression: { cat: [{ var: 'name' }, ' ', { var: 'phase' }] },
    });
    const flow = after.flows!.find((f) => f.id === 'big_deal')!;
    expect(flow.trigger).toEqual({
      kind: 'recordUpdated',
      entity: 'opportunity',
      changed: [{ field: 'phase', to: 'won' }],
    });
    expect(validateAppDocument(after).ok).toBe(true);
    expect(checkFormRules(after)).toEqual([]);
    expect(checkFlows(after)).toEqual([]);
  });

  it('renames record paths in flow expressions and templates, and written value keys', () => {
    const { after } = roundTrip(crm(), {
      type: 'updateField',
      entityId: 'lead',
      fieldId: 'name',
      patch: { key: 'fullName' },
    });
    const welcome = after.flows!.find((f) => f.id === 'welcome')!;
    expect(welcome.nodes.find((n) => n.id === 'task')).toMatchObject({ title: '跟进 {{record.fullName}}' });
    expect(welcome.nodes.find((n) => n.id === 'note')).toMatchObject({
      text: '{{record.fullName}} {{record.mobile}}',
    });
    const log = after.flows!.find((f) => f.id === 'big_deal')!.nodes.find((n) => n.id === 'log')!;
    // Values written into the lead are keyed by the lead's field keys; `record.name` there is the opportunity's.
    expect(log).toMatchObject({ values: { fullName: { var: 'record.name' }, source: 'deal' } });
    expect(Object.keys((log as { values: object }).values)).toEqual(['fullName', 'source']);
    expect(checkFlows(after)).toEqual([]);
  });

  it("renames a key in an entity's record workflow: stage gates, pool, conversions", () => {
    const doc = crm();
    const opportunity = doc.entities.find((e) => e.id === 'opportunity')!;
    const stage = opportunity.fields.find((f) => f.id === 'stage')!;
    if (stage.type !== 'singleSelect') throw new Error('stage is a single select');
    stage.options = stage.options.map((o) =>
      o.id === 'won' ? { ...o, requires: ['amount'], defaults: { amount: '100' } } : o,
    );
    const lead = doc.entities.find((e) => e.id === 'lead')!;
    lead.pool = { onClaim: { source: 'pool' } };
    lead.conversions = [
      {
        id: 'to_account',
        label: { 'zh-CN': '转客户', en: 'To account' },
        targets: [
          {
            id: 'account',
            entity: 'account',
            match: { field: 'name', value: { var: 'source.name' } },
            values: { name: { var: 'source.name' }, industry: 'x' },
          },
        ],
        update: { source: 'converted' },
      },
    ];
    expect(validateAppDocument(doc).ok).toBe(true);
    const renamed = (from: typeof doc, entityId: string, fieldId: string, key: string) =>
      roundTrip(from, { type: 'updateField', entityId, fieldId, patch: { key } }).after;

    const gates = renamed(doc, 'opportunity', 'amount', 'dealAmount');
    const won = (field(gates, 'opportunity', 'stage') as typeof stage).options.find((o) => o.id === 'won')!;
    expect(won.requires).toEqual(['dealAmount']);
    expect(won.defaults).toEqual({ dealAmount: '100' });
    expect(validateAppDocument(gates).ok).toBe(true);

    const pooled = renamed(doc, 'lead', 'source', 'origin');
    const pooledLead = pooled.entities.find((e) => e.id === 'lead')!;
    expect(pooledLead.pool?.onClaim).toEqual({ origin: 'pool' });
    expect(pooledLead.conversions![0]!.update).toEqual({ origin: 'converted' });
    expect(validateAppDocument(pooled).ok).toBe(true);

    const matched = renamed(doc, 'account', 'name', 'title');
    const target = matched.entities.find((e) => e.id === 'lead')!.conversions![0]!.targets[0]!;
    expect(target.match?.field).toBe('title');
    expect(Object.keys(target.values)).toEqual(['title', 'industry']);
    // The source's own `name` (read as `source.name`) is the lead's and stays.
    expect(target.values.title).toEqual({ var: 'source.name' });
    expect(validateAppDocument(matched).ok).toBe(true);
  });

  it('renames a child field in the parent form rules that run per row', () => {
    const doc = applied(crm(), {
      type: 'setFormRule',
      formId: 'opportunity_full',
      ruleKind: 'validation',
      rule: {
        id: 'qty',
        subTable: 'lines',
        condition: { '>': [{ var: 'quantity' }, 0] },
        message: { en: 'Quantity' },
        path: 'quantity',
      },
    });
    const { after } = roundTrip(doc, {
      type: 'updateField',
      entityId: 'opportunity_line',
      fieldId: 'quantity',
      patch: { key: 'qty' },
    });
    expect(after.forms![0]!.validation!.find((r) => r.id === 'qty')).toMatchObject({
      condition: { '>': [{ var: 'qty' }, 0] },
      path: 'qty',
    });
    expect(checkFormRules(after)).toEqual([]);
  });

  it('merges typing into one undo step until sealed', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    for (const help of ['a', 'ab', 'abc'])
      state = dispatch(state, {
        type: 'updateField',
        entityId: 'lead',
        fieldId: 'name',
        patch: { help: { en: help } },
      });
    expect(state.past).toHaveLength(1);
    state = dispatch(seal(state), {
      type: 'updateField',
      entityId: 'lead',
      fieldId: 'name',
      patch: { help: { en: 'abcd' } },
    });
    expect(state.past).toHaveLength(2);
    // Toggles never merge.
    state = dispatch(state, {
      type: 'updateField',
      entityId: 'lead',
      fieldId: 'name',
      patch: { required: false },
    });
    state = dispatch(state, {
      type: 'updateField',
      entityId: 'lead',
      fieldId: 'name',
      patch: { required: true },
    });
    expect(state.past).toHaveLength(4);
    expect(undo(undo(undo(undo(state)))).doc).toBe(doc);
  });

  it('refuses properties of other types, removing the key, bad keys and bad targets', () => {
    refused(
      crm(),
      { type: 'updateField', entityId: 'lead', fieldId: 'name', patch: { options: [] } as never },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateField', entityId: 'lead', fieldId: 'name', patch: { key: null } as never },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateField', entityId: 'lead', fieldId: 'name', patch: { key: 'mobile' } },
      'duplicate_key',
    );
    refused(
      crm(),
      { type: 'updateField', entityId: 'lead', fieldId: 'name', patch: { key: 'version' } },
      'invalid_key',
    );
    refused(
      crm(),
      { type: 'updateField', entityId: 'opportunity', fieldId: 'account', patch: { target: 'ghost' } },
      'not_found',
    );
    refused(crm(), { type: 'updateField', entityId: 'lead', fieldId: 'ghost', patch: {} }, 'not_found');
  });
});
