import { checkFlows } from '@dougong/flows';
import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { crm, refused, roundTrip } from '../fixture.js';

describe('addFlow', () => {
  it('adds a flow with its trigger and one end node', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'addFlow',
      label: { 'zh-CN': '跟进提醒', en: 'Follow-up reminder' },
      trigger: { kind: 'recordCreated', entity: 'lead' },
    });
    expect(after.flows!.at(-1)).toEqual({
      id: 'follow_up_reminder',
      key: 'followUpReminder',
      label: { 'zh-CN': '跟进提醒', en: 'Follow-up reminder' },
      trigger: { kind: 'recordCreated', entity: 'lead' },
      start: 'end1',
      nodes: [{ id: 'end1', kind: 'end' }],
    });
    expect(state.selection).toEqual({ kind: 'flow', flowId: 'follow_up_reminder' });
    expect(validateAppDocument(after).ok).toBe(true);
    expect(checkFlows(after)).toEqual([]);
  });

  it('defaults to a manual trigger on the first entity', () => {
    const { after } = roundTrip(crm(), { type: 'addFlow', label: { 'zh-CN': '手动' } });
    expect(after.flows!.at(-1)).toMatchObject({
      id: 'flow',
      key: 'flow',
      trigger: { kind: 'manual', entity: 'account' },
    });
  });

  it('refuses taken and invalid ids and keys', () => {
    refused(crm(), { type: 'addFlow', label: { en: 'x' }, flowId: 'welcome' }, 'duplicate_id');
    refused(crm(), { type: 'addFlow', label: { en: 'x' }, key: 'bigDeal' }, 'duplicate_key');
    refused(crm(), { type: 'addFlow', label: { en: 'x' }, flowId: '9x' }, 'invalid_id');
    refused(crm(), { type: 'addFlow', label: { en: 'x' }, key: 'x-y' }, 'invalid_key');
  });
});
