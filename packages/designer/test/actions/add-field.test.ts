import { checkFormRules } from '@dougong/forms';
import { FIELD_TYPES, validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { DESIGNER_FIELD_TYPES, FIELD_TYPE_LABELS } from '../../src/index.js';
import { applied, crm, refused, roundTrip } from '../fixture.js';

describe('addField', () => {
  it('knows every field type of the schema', () => {
    expect([...DESIGNER_FIELD_TYPES].sort()).toEqual([...FIELD_TYPES].sort());
  });

  it.each(FIELD_TYPES)('adds a %s field with defaults the document validator accepts', (fieldType) => {
    const { after, state } = roundTrip(crm(), { type: 'addField', entityId: 'lead', fieldType });
    const lead = after.entities.find((e) => e.id === 'lead')!;
    const field = lead.fields.at(-1)!;
    expect(field.type).toBe(fieldType);
    expect(field.label).toEqual(FIELD_TYPE_LABELS[fieldType]);
    expect(state.selection).toEqual({ kind: 'field', entityId: 'lead', fieldId: field.id });
    const result = validateAppDocument(after);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('makes id and key from the English label, unique in the entity and never a system key', () => {
    let doc = applied(crm(), {
      type: 'addField',
      entityId: 'lead',
      fieldType: 'text',
      label: { 'zh-CN': '公司名称', en: 'Company name' },
    });
    expect(doc.entities.find((e) => e.id === 'lead')!.fields.at(-1)).toMatchObject({
      id: 'company_name',
      key: 'companyName',
    });
    doc = applied(doc, {
      type: 'addField',
      entityId: 'lead',
      fieldType: 'text',
      label: { en: 'Company name' },
    });
    expect(doc.entities.find((e) => e.id === 'lead')!.fields.at(-1)).toMatchObject({
      id: 'company_name2',
      key: 'companyName2',
    });
    doc = applied(doc, { type: 'addField', entityId: 'lead', fieldType: 'user', label: { en: 'Owner id' } });
    expect(doc.entities.find((e) => e.id === 'lead')!.fields.at(-1)!.key).toBe('ownerId2');
  });

  it('gives selects two coloured options and a reference the first other entity', () => {
    const doc = applied(
      crm(),
      { type: 'addField', entityId: 'lead', fieldType: 'singleSelect' },
      { type: 'addField', entityId: 'lead', fieldType: 'reference' },
    );
    const [select, reference] = doc.entities.find((e) => e.id === 'lead')!.fields.slice(-2);
    expect(select).toMatchObject({
      options: [
        { id: 'option1', color: '#1677ff' },
        { id: 'option2', color: '#52c41a' },
      ],
    });
    expect(reference).toMatchObject({ type: 'reference', target: 'account' });
  });

  it('creates the child entity of a new sub-table in the same step', () => {
    const { after } = roundTrip(crm(), {
      type: 'addField',
      entityId: 'lead',
      fieldType: 'subTable',
      label: { en: 'Visits' },
    });
    const field = after.entities.find((e) => e.id === 'lead')!.fields.at(-1)!;
    expect(field).toMatchObject({ id: 'visits', type: 'subTable', childEntity: 'lead_visits' });
    expect(after.entities.at(-1)).toMatchObject({
      id: 'lead_visits',
      kind: 'child',
      label: { en: 'Visits' },
    });
  });

  it('takes properties and a position', () => {
    const { after } = roundTrip(crm(), {
      type: 'addField',
      entityId: 'lead',
      fieldType: 'text',
      label: { en: 'Code' },
      index: 0,
      props: { required: true, maxLength: 20, unique: true },
    });
    expect(after.entities.find((e) => e.id === 'lead')!.fields[0]).toMatchObject({
      key: 'code',
      required: true,
      maxLength: 20,
      unique: true,
    });
  });

  it('places the new field on a form in the same undo step', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'addField',
      entityId: 'lead',
      fieldType: 'email',
      label: { en: 'E-mail' },
      place: { formId: 'lead_signup', target: { afterId: 'f-name' } },
    });
    const layout = after.forms!.find((f) => f.id === 'lead_signup')!.layout;
    expect(layout.map((n) => n.id)).toEqual(['f-name', 'f-e-mail', 'f-mobile']);
    expect(layout[1]).toEqual({ id: 'f-e-mail', kind: 'field', fieldId: 'e_mail' });
    expect(state.past).toHaveLength(1);
    expect(checkFormRules(after)).toEqual([]);
  });

  it('refuses bad ids, taken ids and keys, foreign properties, bad targets and foreign forms', () => {
    refused(crm(), { type: 'addField', entityId: 'ghost', fieldType: 'text' }, 'not_found');
    refused(crm(), { type: 'addField', entityId: 'lead', fieldType: 'text', fieldId: 'Name' }, 'invalid_id');
    refused(
      crm(),
      { type: 'addField', entityId: 'lead', fieldType: 'text', fieldId: 'name' },
      'duplicate_id',
    );
    refused(crm(), { type: 'addField', entityId: 'lead', fieldType: 'text', key: 'mobile' }, 'duplicate_key');
    refused(
      crm(),
      { type: 'addField', entityId: 'lead', fieldType: 'text', key: 'createdAt' },
      'invalid_key',
    );
    refused(
      crm(),
      { type: 'addField', entityId: 'lead', fieldType: 'text', props: { target: 'account' } as never },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'addField', entityId: 'lead', fieldType: 'reference', props: { target: 'opportunity_line' } },
      'invalid_value',
    );
    refused(
      crm(),
      {
        type: 'addField',
        entityId: 'lead',
        fieldType: 'subTable',
        props: { childEntity: 'opportunity_line' },
      },
      'invalid_value',
    );
    refused(crm(), { type: 'addField', entityId: 'opportunity_line', fieldType: 'subTable' }, 'not_allowed');
    refused(
      crm(),
      {
        type: 'addField',
        entityId: 'lead',
        fieldType: 'text',
        place: { formId: 'opportunity_full', target: { parentId: null } },
      },
      'invalid_target',
    );
  });
});
