import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { applied, crm, refused, roundTrip } from '../fixture.js';

describe('removeEntity', () => {
  it('removes an unused entity', () => {
    const doc = applied(crm(), { type: 'addEntity', label: { en: 'Memo' } });
    const { after, state } = roundTrip(doc, { type: 'removeEntity', entityId: 'memo' });
    expect(after.entities.map((e) => e.id)).toEqual(crm().entities.map((e) => e.id));
    expect(state.selection).toBeNull();
  });

  it('takes its forms, role grants and sub-table child entities along', () => {
    // Free the opportunity of what uses it from outside: the big-deal flow.
    const doc = applied(crm(), { type: 'removeFlow', flowId: 'big_deal' });
    const { after } = roundTrip(doc, { type: 'removeEntity', entityId: 'opportunity' });
    expect(after.entities.map((e) => e.id)).toEqual(['account', 'product', 'lead']);
    expect(after.forms!.map((f) => f.id)).toEqual(['lead_signup']);
    expect(after.roles!.every((r) => r.grants.length === 0)).toBe(true);
    expect(validateAppDocument(after).ok).toBe(true);
  });

  it('refuses while references, sub-tables or flows use it, listing where', () => {
    const account = refused(crm(), { type: 'removeEntity', entityId: 'account' }, 'referenced');
    expect(account.usages!.map((u) => u.path)).toEqual(['/entities/2/fields/1/target']);
    const child = refused(crm(), { type: 'removeEntity', entityId: 'opportunity_line' }, 'referenced');
    expect(child.usages!.map((u) => u.kind)).toContain('subTableChild');
    const lead = refused(crm(), { type: 'removeEntity', entityId: 'lead' }, 'referenced');
    expect(lead.usages!.map((u) => u.path).sort()).toEqual([
      '/flows/0/trigger/form',
      '/flows/1/nodes/5/entity',
    ]);
    expect(lead.usages!.every((u) => u.blocking)).toBe(true);
    refused(crm(), { type: 'removeEntity', entityId: 'ghost' }, 'not_found');
  });
});
