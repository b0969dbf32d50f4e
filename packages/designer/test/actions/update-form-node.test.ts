import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch, locate, undo } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const item = (doc: ReturnType<typeof crm>, id: string) =>
  locate(doc.forms!.find((f) => f.id === 'opportunity_full')!.layout, id)!.item;

describe('updateFormNode', () => {
  it('sets field node properties and removes them with null', () => {
    const { after } = roundTrip(crm(), {
      type: 'updateFormNode',
      formId: 'opportunity_full',
      nodeId: 'f-stage',
      patch: { widget: 'radio', span: 2, readOnly: true, label: { en: 'Phase' } },
    });
    expect(item(after, 'f-stage')).toEqual({
      id: 'f-stage',
      kind: 'field',
      fieldId: 'stage',
      widget: 'radio',
      span: 2,
      readOnly: true,
      label: { en: 'Phase' },
    });
    const { after: back } = roundTrip(after, {
      type: 'updateFormNode',
      formId: 'opportunity_full',
      nodeId: 'f-stage',
      patch: { widget: null, span: null, readOnly: null, label: { en: '' } },
    });
    expect(item(back, 'f-stage')).toEqual({ id: 'f-stage', kind: 'field', fieldId: 'stage' });
  });

  it('sets section, tab and text properties', () => {
    let doc = roundTrip(crm(), {
      type: 'updateFormNode',
      formId: 'opportunity_full',
      nodeId: 'main',
      patch: { columns: 3, collapsed: true },
    }).after;
    expect(item(doc, 'main')).toMatchObject({ columns: 3, collapsed: true });
    doc = roundTrip(doc, {
      type: 'updateFormNode',
      formId: 'opportunity_full',
      nodeId: 'tab-notes',
      patch: { label: { en: 'Memo' } },
    }).after;
    expect(item(doc, 'tab-notes')).toMatchObject({ label: { en: 'Memo' } });
    doc = roundTrip(doc, {
      type: 'updateFormNode',
      formId: 'opportunity_full',
      nodeId: 'hint',
      patch: { text: { 'zh-CN': '提示' } },
    }).after;
    expect(item(doc, 'hint')).toEqual({ id: 'hint', kind: 'text', text: { 'zh-CN': '提示' } });
  });

  it('merges typing a label into one undo step', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    for (const en of ['B', 'Ba', 'Basic'])
      state = dispatch(state, {
        type: 'updateFormNode',
        formId: 'opportunity_full',
        nodeId: 'main',
        patch: { label: { en } },
      });
    expect(state.past).toHaveLength(1);
    expect(undo(state).doc).toBe(doc);
  });

  it('refuses properties the kind lacks, unsuitable widgets and bad spans', () => {
    refused(
      crm(),
      { type: 'updateFormNode', formId: 'opportunity_full', nodeId: 'f-stage', patch: { columns: 2 } },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateFormNode', formId: 'opportunity_full', nodeId: 'rule1', patch: { label: { en: 'x' } } },
      'invalid_value',
    );
    refused(
      crm(),
      {
        type: 'updateFormNode',
        formId: 'opportunity_full',
        nodeId: 'f-stage',
        patch: { widget: 'textarea' },
      },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateFormNode', formId: 'opportunity_full', nodeId: 'f-stage', patch: { span: 5 } },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateFormNode', formId: 'opportunity_full', nodeId: 'tab-notes', patch: { label: null } },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateFormNode', formId: 'opportunity_full', nodeId: 'ghost', patch: {} },
      'not_found',
    );
  });
});
