import { checkFormRules } from '@dougong/forms';
import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

const layout = (doc: ReturnType<typeof crm>) => doc.forms!.find((f) => f.id === 'opportunity_full')!.layout;

describe('addFormNode', () => {
  it('places a field after another, selecting the new node', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'addFormNode',
      formId: 'opportunity_full',
      node: { kind: 'field', fieldId: 'close_date', widget: 'date' },
      target: { afterId: 'f-amount' },
    });
    const main = layout(after)[0] as { children: Array<{ id: string }> };
    expect(main.children.map((n) => n.id)).toEqual([
      'f-name',
      'f-account',
      'f-amount',
      'f-close-date',
      'f-stage',
      'f-loss-reason',
    ]);
    expect(state.selection).toEqual({
      kind: 'formNodes',
      formId: 'opportunity_full',
      nodeIds: ['f-close-date'],
    });
    expect(checkFormRules(after)).toEqual([]);
  });

  it('adds every kind of layout block with fresh ids', () => {
    const doc = applied(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'section' },
        target: { parentId: null },
      },
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'columns', columns: 3 },
        target: { parentId: null },
      },
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'tabs' },
        target: { parentId: null, index: 0 },
      },
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'tab', label: { en: 'Extra' } },
        target: { parentId: 'more' },
      },
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'divider' },
        target: { parentId: 'section' },
      },
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'text' },
        target: { parentId: 'tab-notes', index: 0 },
      },
    );
    const nodes = layout(doc);
    expect(nodes.map((n) => [n.id, n.kind])).toEqual([
      ['tabs', 'tabs'],
      ['main', 'section'],
      ['rule1', 'divider'],
      ['more', 'tabs'],
      ['section', 'section'],
      ['columns', 'section'],
    ]);
    expect(nodes[0]).toMatchObject({ tabs: [{ id: 'tabs-tab' }, { id: 'tabs-tab-2' }] });
    expect(nodes[3]).toMatchObject({
      tabs: [
        { id: 'tab-lines' },
        { id: 'tab-notes', children: [{ id: 'text' }, { id: 'hint' }] },
        { id: 'tab', label: { en: 'Extra' } },
      ],
    });
    expect(nodes[4]).toMatchObject({ children: [{ id: 'divider', kind: 'divider' }] });
    expect(nodes[5]).toEqual({ id: 'columns', kind: 'section', columns: 3, children: [] });
    const result = validateAppDocument(doc);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('refuses a field twice, fields of other entities, unsuitable widgets and wrong containers', () => {
    const twice = refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'field', fieldId: 'stage' },
        target: { parentId: null },
      },
      'already_placed',
    );
    expect(twice.message.en).toContain('already on the form');
    refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'field', fieldId: 'mobile' },
        target: { parentId: null },
      },
      'not_found',
    );
    refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'field', fieldId: 'notes', widget: 'switch' },
        target: { parentId: null },
      },
      'invalid_value',
    );
    refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'divider' },
        target: { parentId: 'more' },
      },
      'invalid_target',
    );
    refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'tab' },
        target: { parentId: 'main' },
      },
      'invalid_target',
    );
    refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'tab' },
        target: { afterId: 'f-name' },
      },
      'invalid_target',
    );
    refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'divider' },
        target: { parentId: 'ghost' },
      },
      'not_found',
    );
    refused(
      crm(),
      {
        type: 'addFormNode',
        formId: 'opportunity_full',
        node: { kind: 'divider' },
        target: { parentId: null },
        nodeId: 'main',
      },
      'duplicate_id',
    );
  });

  it('refuses nesting sections and tabs deeper than four levels', () => {
    let doc = crm();
    let parent: string | null = null;
    for (let i = 0; i < 4; i++) {
      doc = applied(doc, {
        type: 'addFormNode',
        formId: 'lead_signup',
        node: { kind: 'section' },
        target: { parentId: parent },
        nodeId: `s${i}`,
      });
      parent = `s${i}`;
    }
    expect(validateAppDocument(doc).ok).toBe(true);
    refused(
      doc,
      { type: 'addFormNode', formId: 'lead_signup', node: { kind: 'section' }, target: { parentId: 's3' } },
      'too_deep',
    );
    refused(
      doc,
      { type: 'addFormNode', formId: 'lead_signup', node: { kind: 'tabs' }, target: { parentId: 's3' } },
      'too_deep',
    );
    // Fields still go at the deepest level.
    roundTrip(doc, {
      type: 'addFormNode',
      formId: 'lead_signup',
      node: { kind: 'divider' },
      target: { parentId: 's3' },
    });
  });
});
