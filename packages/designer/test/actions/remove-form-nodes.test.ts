import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

const form = (doc: ReturnType<typeof crm>) => doc.forms!.find((f) => f.id === 'opportunity_full')!;

describe('removeFormNodes', () => {
  it('removes several items at once, containers with their content', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'removeFormNodes',
      formId: 'opportunity_full',
      nodeIds: ['f-amount', 'rule1', 'tab-lines', 'f-lines'],
    });
    const layout = form(after).layout;
    expect(layout.map((n) => n.id)).toEqual(['main', 'more']);
    expect((layout[0] as { children: unknown[] }).children).toHaveLength(4);
    expect((layout[1] as { tabs: Array<{ id: string }> }).tabs.map((t) => t.id)).toEqual(['tab-notes']);
    expect(state.selection).toEqual({ kind: 'form', formId: 'opportunity_full' });
    // The fields stay in the entity.
    expect(after.entities.find((e) => e.id === 'opportunity')!.fields.some((f) => f.id === 'amount')).toBe(
      true,
    );
  });

  it('removes a tabs block whose tabs are all removed', () => {
    const { after } = roundTrip(crm(), {
      type: 'removeFormNodes',
      formId: 'opportunity_full',
      nodeIds: ['tab-lines', 'tab-notes'],
    });
    expect(form(after).layout.map((n) => n.id)).toEqual(['main', 'rule1']);
  });

  it('refuses unknown ids', () => {
    refused(
      crm(),
      { type: 'removeFormNodes', formId: 'opportunity_full', nodeIds: ['main', 'ghost'] },
      'not_found',
    );
    refused(crm(), { type: 'removeFormNodes', formId: 'ghost', nodeIds: [] }, 'not_found');
  });
});
