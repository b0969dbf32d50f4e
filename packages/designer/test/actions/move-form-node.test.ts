import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const form = (doc: ReturnType<typeof crm>) => doc.forms!.find((f) => f.id === 'opportunity_full')!;

describe('moveFormNode', () => {
  it('reorders within a section', () => {
    const { after } = roundTrip(crm(), {
      type: 'moveFormNode',
      formId: 'opportunity_full',
      nodeId: 'f-stage',
      target: { beforeId: 'f-name' },
    });
    expect((form(after).layout[0] as { children: Array<{ id: string }> }).children.map((n) => n.id)).toEqual([
      'f-stage',
      'f-name',
      'f-account',
      'f-amount',
      'f-loss-reason',
    ]);
  });

  it('moves a field into a tab and out to the root', () => {
    const { after } = roundTrip(crm(), {
      type: 'moveFormNode',
      formId: 'opportunity_full',
      nodeId: 'f-amount',
      target: { parentId: 'tab-notes' },
    });
    const tabs = form(after).layout[2] as { tabs: Array<{ children: Array<{ id: string }> }> };
    expect(tabs.tabs[1]!.children.map((n) => n.id)).toEqual(['hint', 'f-amount']);
    const { after: out } = roundTrip(after, {
      type: 'moveFormNode',
      formId: 'opportunity_full',
      nodeId: 'f-amount',
      target: { parentId: null, index: 0 },
    });
    expect(form(out).layout.map((n) => n.id)).toEqual(['f-amount', 'main', 'rule1', 'more']);
    expect(validateAppDocument(out).ok).toBe(true);
  });

  it('moves tabs between and within tabs blocks, and sections with their content', () => {
    const { after } = roundTrip(crm(), {
      type: 'moveFormNode',
      formId: 'opportunity_full',
      nodeId: 'tab-notes',
      target: { beforeId: 'tab-lines' },
    });
    expect((form(after).layout[2] as { tabs: Array<{ id: string }> }).tabs.map((t) => t.id)).toEqual([
      'tab-notes',
      'tab-lines',
    ]);
    const { after: nested } = roundTrip(crm(), {
      type: 'moveFormNode',
      formId: 'opportunity_full',
      nodeId: 'main',
      target: { parentId: 'tab-lines' },
    });
    expect(form(nested).layout.map((n) => n.id)).toEqual(['rule1', 'more']);
    expect(JSON.stringify(form(nested).layout)).toContain('"f-loss-reason"');
  });

  it('is a no-op in place', () => {
    const doc = deepFreeze(crm());
    const state = dispatch(createDesignerState(doc), {
      type: 'moveFormNode',
      formId: 'opportunity_full',
      nodeId: 'f-account',
      target: { afterId: 'f-name' },
    });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
  });

  it('refuses into itself, tabs out of tabs blocks, nodes straight into tabs blocks, unknown ids', () => {
    refused(
      crm(),
      { type: 'moveFormNode', formId: 'opportunity_full', nodeId: 'more', target: { parentId: 'tab-lines' } },
      'invalid_target',
    );
    refused(
      crm(),
      { type: 'moveFormNode', formId: 'opportunity_full', nodeId: 'tab-lines', target: { parentId: 'main' } },
      'invalid_target',
    );
    refused(
      crm(),
      { type: 'moveFormNode', formId: 'opportunity_full', nodeId: 'f-name', target: { parentId: 'more' } },
      'invalid_target',
    );
    refused(
      crm(),
      { type: 'moveFormNode', formId: 'opportunity_full', nodeId: 'ghost', target: { parentId: null } },
      'not_found',
    );
  });
});
