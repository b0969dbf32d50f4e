import { checkFormRules } from '@dougong/forms';
import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

describe('removeField', () => {
  it('removes a field with its form nodes, title, search, sort, prefill and field access', () => {
    const doc = applied(
      crm(),
      // The welcome flow's notice mentions the mobile number: change it first.
      { type: 'updateFlowNode', flowId: 'welcome', nodeId: 'note', patch: { text: '{{record.name}}' } },
      {
        type: 'describeEntity',
        entityId: 'lead',
        titleField: 'mobile',
        searchFields: ['name', 'mobile'],
        defaultSort: [{ field: 'mobile' }],
      },
      {
        type: 'setRoleGrant',
        roleKey: 'rep',
        entityId: 'lead',
        grant: { actions: ['read'], scope: 'own', fields: { mobile: 'hidden' } },
      },
    );
    const { after, state } = roundTrip(doc, { type: 'removeField', entityId: 'lead', fieldId: 'mobile' });
    const lead = after.entities.find((e) => e.id === 'lead')!;
    expect(lead.fields.map((f) => f.id)).toEqual(['name', 'source']);
    expect(lead.titleField).toBeUndefined();
    expect(lead.searchFields).toEqual(['name']);
    expect(lead.defaultSort).toBeUndefined();
    const signup = after.forms!.find((f) => f.id === 'lead_signup')!;
    expect(signup.layout.map((n) => n.id)).toEqual(['f-name']);
    expect(signup.public!.prefill).toBeUndefined();
    expect(
      after.roles!.find((r) => r.key === 'rep')!.grants.find((g) => g.entity === 'lead')!.fields,
    ).toBeUndefined();
    expect(state.selection).toEqual({ kind: 'entity', entityId: 'lead' });
    expect(validateAppDocument(after).ok).toBe(true);
    expect(checkFormRules(after)).toEqual([]);
  });

  it('removes a sub-table with its child entity once nothing else uses them', () => {
    const free = crm();
    delete free.forms![0]!.dataLinkage;
    const { after } = roundTrip(free, { type: 'removeField', entityId: 'opportunity', fieldId: 'lines' });
    expect(after.entities.some((e) => e.id === 'opportunity_line')).toBe(false);
    expect(validateAppDocument(after).ok).toBe(true);
  });

  it('refuses while rules, formulas, flows or data linkage use it, listing where', () => {
    const stage = refused(
      crm(),
      { type: 'removeField', entityId: 'opportunity', fieldId: 'stage' },
      'referenced',
    );
    expect(stage.usages!.map((u) => [u.kind, u.path])).toEqual(
      expect.arrayContaining([
        ['formula', '/entities/2/fields/9/expression/cat/2/var'],
        ['formLinkage', '/forms/0/linkage/0/when/==/0/var'],
        ['flowTrigger', '/flows/1/trigger/changed/0/field'],
      ]),
    );
    expect(stage.usages!.every((u) => u.blocking)).toBe(true);
    const lines = refused(
      crm(),
      { type: 'removeField', entityId: 'opportunity', fieldId: 'lines' },
      'referenced',
    );
    expect(lines.usages!.map((u) => u.kind)).toContain('formDataLinkage');
    refused(crm(), { type: 'removeField', entityId: 'opportunity', fieldId: 'ghost' }, 'not_found');
  });
});
