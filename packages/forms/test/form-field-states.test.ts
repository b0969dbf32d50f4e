import { appModel, type Form } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { linkageFieldStates, linkageStates } from '../src/index.js';
import { ORDER_FORM, orderApp } from './form-fixture.js';

// The order app without what makes linkage take several passes: its formulas become plain decimals and
// its form sets no values. Field states alone must then be what the full linkage gives.
function plainOrderApp() {
  const doc = orderApp();
  for (const entity of doc.entities)
    entity.fields = entity.fields.map((f) =>
      f.type === 'formula' ? { id: f.id, key: f.key, type: 'money', label: f.label } : f,
    ) as typeof entity.fields;
  const form: Form = { ...ORDER_FORM, linkage: ORDER_FORM.linkage?.filter((r) => r.action !== 'setValue') };
  doc.forms = [form];
  return { model: appModel(doc).entitiesByKey.get('order')!, form };
}

const ctx = { now: new Date('2026-03-01T02:00:00Z'), timeZone: 'Asia/Shanghai' };
const records: Array<Record<string, unknown>> = [
  {},
  { title: '甲', stage: 'lost' },
  {
    title: '乙',
    stage: 'won',
    probability: '12a',
    lines: [
      { qty: 2, price: '0' },
      { qty: 1, price: '9.5' },
    ],
  },
  { stage: 'lost', lossReason: '价格', lines: [{ qty: 'x', price: '0' }, null, { price: '3' }] },
  { lines: 'not rows', stage: 'draft' },
];

describe('field states without the settled record', () => {
  it('equal the full linkage on a form that sets no values over an entity without formulas', () => {
    const { model, form } = plainOrderApp();
    for (const record of records) {
      const full = linkageStates(model, form, record, ctx);
      expect(linkageFieldStates(model, form, record, ctx)).toEqual({ fields: full.fields, rows: full.rows });
    }
    // The rules did something: the loss reason is shown and required, the free line's note required.
    const lost = linkageFieldStates(model, form, records[1]!, ctx);
    expect(lost.fields.lossReason).toMatchObject({ visible: true, required: true });
    const lines = linkageFieldStates(model, form, records[2]!, ctx).rows.lines!;
    expect(lines.map((row) => Object.values(row).some((s) => s.required))).toEqual([true, false]);
  });

  it('go through the full linkage when the form sets values or the entity has formulas', () => {
    const doc = orderApp();
    const model = appModel(doc).entitiesByKey.get('order')!;
    const form = doc.forms!.find((f) => f.id === 'order_full')!;
    for (const record of records) {
      const full = linkageStates(model, form, record, ctx);
      expect(linkageFieldStates(model, form, record, ctx)).toEqual({ fields: full.fields, rows: full.rows });
    }
  });
});
