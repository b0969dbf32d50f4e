import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

const field = (doc: ReturnType<typeof crm>, entityId: string, fieldId: string) =>
  doc.entities.find((e) => e.id === entityId)!.fields.find((f) => f.id === fieldId)!;

describe('changeFieldType', () => {
  it('keeps the id and common properties, drops value-shaped ones, and stays valid', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'changeFieldType',
      entityId: 'opportunity',
      fieldId: 'notes',
      fieldType: 'number',
    });
    expect(field(after, 'opportunity', 'notes')).toEqual({
      id: 'notes',
      key: 'notes',
      label: { 'zh-CN': '备注', en: 'Notes' },
      type: 'number',
    });
    expect(state.selection).toEqual({ kind: 'field', entityId: 'opportunity', fieldId: 'notes' });
    expect(validateAppDocument(after).ok).toBe(true);
    const select = roundTrip(crm(), {
      type: 'changeFieldType',
      entityId: 'opportunity',
      fieldId: 'stage',
      fieldType: 'text',
    }).after;
    expect(field(select, 'opportunity', 'stage')).toEqual({
      id: 'stage',
      key: 'stage',
      label: { 'zh-CN': '阶段', en: 'Stage' },
      type: 'text',
    });
  });

  it('gives the new type its defaults and resets widgets that no longer fit', () => {
    const { after } = roundTrip(crm(), {
      type: 'changeFieldType',
      entityId: 'opportunity',
      fieldId: 'stage',
      fieldType: 'multiSelect',
    });
    expect(field(after, 'opportunity', 'stage')).toMatchObject({
      type: 'multiSelect',
      options: [{ id: 'new' }, { id: 'won' }, { id: 'lost' }],
    });
    const node = JSON.stringify(after.forms!.find((f) => f.id === 'opportunity_full')!.layout);
    expect(node).toContain('"fieldId":"stage"');
    expect(node).not.toContain('segmented');
    const toSelect = roundTrip(crm(), {
      type: 'changeFieldType',
      entityId: 'lead',
      fieldId: 'source',
      fieldType: 'singleSelect',
    }).after;
    expect(field(toSelect, 'lead', 'source')).toMatchObject({
      type: 'singleSelect',
      options: [{ id: 'option1' }, { id: 'option2' }],
    });
    const toAuto = roundTrip(crm(), {
      type: 'changeFieldType',
      entityId: 'lead',
      fieldId: 'source',
      fieldType: 'autoNumber',
      props: { pattern: 'L-{0000}' },
    }).after;
    expect(field(toAuto, 'lead', 'source')).toMatchObject({ type: 'autoNumber', pattern: 'L-{0000}' });
    expect(validateAppDocument(toAuto).ok).toBe(true);
  });

  it('refuses sub-tables, unknown fields and properties the new type lacks', () => {
    refused(
      crm(),
      { type: 'changeFieldType', entityId: 'opportunity', fieldId: 'lines', fieldType: 'text' },
      'not_allowed',
    );
    refused(
      crm(),
      { type: 'changeFieldType', entityId: 'lead', fieldId: 'source', fieldType: 'subTable' },
      'not_allowed',
    );
    refused(
      crm(),
      { type: 'changeFieldType', entityId: 'lead', fieldId: 'nope', fieldType: 'text' },
      'not_found',
    );
    refused(
      crm(),
      {
        type: 'changeFieldType',
        entityId: 'lead',
        fieldId: 'source',
        fieldType: 'email',
        props: { maxLength: 3 } as never,
      },
      'invalid_value',
    );
  });
});
