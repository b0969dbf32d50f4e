import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch } from '../../src/index.js';
import { crm, deepFreeze, roundTrip } from '../fixture.js';

describe('updateApp', () => {
  it('sets and removes app settings', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'updateApp',
      patch: { label: { 'zh-CN': '销售', en: 'Sales' }, timeZone: 'Asia/Shanghai', defaultCurrency: 'CNY' },
    });
    expect(after).toMatchObject({
      label: { 'zh-CN': '销售', en: 'Sales' },
      timeZone: 'Asia/Shanghai',
      defaultCurrency: 'CNY',
    });
    expect(state.selection).toEqual({ kind: 'app' });
    const { after: cleared } = roundTrip(after, {
      type: 'updateApp',
      patch: { timeZone: null, defaultCurrency: '' },
    });
    expect('timeZone' in cleared || 'defaultCurrency' in cleared).toBe(false);
  });

  it('leaves no undo step when nothing changes', () => {
    const doc = deepFreeze(crm());
    const state = dispatch(createDesignerState(doc), { type: 'updateApp', patch: { label: doc.label } });
    expect(state.doc).toBe(doc);
    expect(state.past).toHaveLength(0);
  });
});
