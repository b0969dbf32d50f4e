import { validateAppDocument } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { checkFormRules, createFormEngine, defaultForm, fieldNodes, formFor } from '../src/index.js';
import { orderApp } from './form-fixture.js';

const now = new Date('2026-03-01T02:00:00Z');
const doc = orderApp();
const engine = (locale: 'zh-CN' | 'en' = 'en') =>
  createFormEngine(doc, formFor(doc, 'order'), { now, locale });

const line = (qty: number, price: string, extra: Record<string, unknown> = {}) => ({ qty, price, ...extra });

describe('form metadata', () => {
  it('the fixture is a valid document whose rules check', () => {
    const result = validateAppDocument(doc);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(checkFormRules(doc)).toEqual([]);
  });

  it('formFor falls back to a generated default form', () => {
    const form = formFor(doc, 'customer');
    expect(form).toEqual(defaultForm(doc.entities[0]!));
    expect(form.layout).toHaveLength(1);
    expect(form.layout[0]).toMatchObject({ kind: 'section', columns: 2 });
    expect(fieldNodes(form).map((n) => n.fieldId)).toEqual(['name', 'contact_name', 'region']);
    expect(formFor(doc, 'order', 'quickCreate').id).toBe('order_full');
    expect(() => formFor(doc, 'order', 'public')).toThrow(/no public form/);
  });

  it('default forms mark computed fields read-only', () => {
    const form = defaultForm(doc.entities.find((e) => e.id === 'order')!);
    const total = fieldNodes(form).find((n) => n.fieldId === 'total');
    expect(total?.readOnly).toBe(true);
  });

  it('reports unknown fields, duplicate node ids and bad rules', () => {
    const bad = orderApp();
    const form = bad.forms![0]!;
    (form.layout[0] as { children: unknown[] }).children.push({
      id: 'n-title',
      kind: 'field',
      fieldId: 'nope',
    });
    form.linkage!.push({
      id: 'odd',
      when: { '==': [{ var: 'stage' }, 'maybe'] },
      action: 'hide',
      fields: ['ghost'],
    });
    const result = validateAppDocument(bad);
    expect(result.ok ? [] : result.issues).toEqual([
      { path: '/forms/0/layout/0/children/7/id', message: 'duplicates node id "n-title"' },
      { path: '/forms/0/layout/0/children/7/fieldId', message: 'is not a field id of order' },
      { path: '/forms/0/linkage/5/fields/0', message: 'is not a field key of order' },
    ]);
    expect(checkFormRules(bad).map((i) => i.path)).toEqual(['/forms/0/linkage/5/when/==/1']);
  });
});

describe('form engine: values and linkage', () => {
  it('starts from defaults and prefill, with formulas computed', () => {
    const values = engine().initialValues(null, { title: 'Hello', total: '999', bogus: 1 });
    expect(values).toMatchObject({
      title: 'Hello',
      stage: 'open',
      createdOn: '2026-03-01',
      lines: [],
      total: '0.00',
    });
    expect(values).not.toHaveProperty('bogus');
  });

  it('shows and requires the loss reason only when the stage is lost', () => {
    const e = engine();
    const open = e.evaluate(e.initialValues());
    expect(open.fields.lossReason).toEqual({ visible: false, required: false, readOnly: false });
    const lost = e.evaluate({ ...e.initialValues(), stage: 'lost' });
    expect(lost.fields.lossReason).toEqual({ visible: true, required: true, readOnly: false });
    expect(lost.fields.title).toEqual({ visible: true, required: true, readOnly: false });
    expect(lost.fields.total).toEqual({ visible: true, required: false, readOnly: true });
    expect(lost.fields.createdOn?.visible).toBe(false);
  });

  it('applies set-value linkage and read-only', () => {
    const e = engine();
    const won = e.evaluate({ ...e.initialValues(), stage: 'won', probability: '20' });
    expect(won.values.probability).toBe('100');
    expect(won.fields.probability).toEqual({ visible: true, required: false, readOnly: true });
  });

  it('totals sub-tables exactly: Σ qty × price in decimals', () => {
    const e = engine();
    const values = {
      ...e.initialValues(),
      lines: [line(3, '0.10'), line(1, '0.20'), line(7, '19.99'), line(100000, '0.01')],
    };
    const result = e.evaluate(values);
    expect((result.values.lines as Array<{ amount: string }>).map((l) => l.amount)).toEqual([
      '0.30',
      '0.20',
      '139.93',
      '1000.00',
    ]);
    expect(result.values.total).toBe('1140.43');
    // 0.1 + 0.2 in binary floating point is 0.30000000000000004; here it is exact.
    expect(e.evaluate({ ...values, lines: [line(1, '0.10'), line(1, '0.20')] }).values.total).toBe('0.30');
  });

  it('evaluates per-row linkage', () => {
    const e = engine();
    const result = e.evaluate({ ...e.initialValues(), lines: [line(1, '5.00'), line(2, '0')] });
    expect(result.rows.lines?.map((r) => r.note?.required)).toEqual([false, true]);
    expect(result.rows.lines?.[0]?.amount).toEqual({ visible: true, required: false, readOnly: true });
  });

  it('new rows carry defaults and formulas', () => {
    expect(engine().newRow('lines')).toEqual({
      product: null,
      qty: null,
      price: null,
      amount: null,
      note: null,
    });
  });
});

describe('form engine: data linkage', () => {
  it('copies the referenced record into the form', () => {
    const customer = { id: 'c1', name: 'ACME', contactName: '王伟', region: 'north' };
    expect(engine().dataLinkage('customer', customer)).toEqual({ contact: '王伟', region: 'north' });
    expect(engine().dataLinkage('customer', null)).toEqual({});
    expect(engine().dataLinkage('title', customer)).toEqual({});
  });

  it('fills sub-table rows, only empty fields without overwrite', () => {
    const product = { id: 'p1', name: 'Widget', price: '12.50' };
    const e = engine();
    expect(e.dataLinkage('product', product, { subTable: 'lines', current: { price: null } })).toEqual({
      price: '12.50',
    });
    expect(e.dataLinkage('product', product, { subTable: 'lines', current: { price: '9.00' } })).toEqual({});
    expect(e.dataLinkage('product', product)).toEqual({});
  });
});

describe('form engine: validation', () => {
  it('reports field types and limits like the server, localized', () => {
    const values = { ...engine().initialValues(), title: 'x'.repeat(21), lines: [line(0, 'abc')] };
    expect(engine().validate(values, { mode: 'create' })).toEqual([
      { path: '/title', message: 'must be at most 20 characters' },
      { path: '/lines/0/qty', message: 'must be at least 1' },
      { path: '/lines/0/price', message: 'must be a decimal number such as "1234.50"' },
    ]);
    expect(engine('zh-CN').validate(values, { mode: 'create' })).toEqual([
      { path: '/title', message: '最多 20 个字符' },
      { path: '/lines/0/qty', message: '不能小于 1' },
      { path: '/lines/0/price', message: '必须是数字，例如 1234.50' },
    ]);
  });

  it('requires what linkage requires, never a hidden field', () => {
    const e = engine('zh-CN');
    const base = { ...e.initialValues(), title: 'T' };
    expect(e.validate({ ...base, stage: 'lost' }, { mode: 'create' })).toEqual([
      { path: '/lossReason', message: '为必填项' },
    ]);
    expect(e.validate({ ...base, stage: 'lost', lossReason: 'price' }, { mode: 'create' })).toEqual([]);
    expect(e.validate({ ...base, stage: 'open' }, { mode: 'create' })).toEqual([]);
  });

  it('runs validation rules on the record and per row', () => {
    const e = engine();
    const values = {
      ...e.initialValues(),
      title: 'T',
      discount: '50.00',
      lines: [line(2, '10.00'), line(1001, '0', { note: 'gift' }), line(1, '0')],
    };
    expect(e.validate(values, { mode: 'create' })).toEqual([
      { path: '/lines/2/note', message: 'is required' },
      { path: '/discount', message: 'The discount cannot exceed the total' },
      { path: '/lines/1/qty', message: 'At most 1000 per line' },
    ]);
  });

  it('sends only what changed on update, with the version', () => {
    const e = engine();
    const previous = {
      id: '7d0f1d2e-0000-4000-8000-000000000001',
      version: 3,
      title: 'T',
      stage: 'open',
      lossReason: null,
      probability: '20.00',
      lines: [
        {
          id: '7d0f1d2e-0000-4000-8000-000000000002',
          qty: 1,
          price: '5.00',
          amount: '5.00',
          note: null,
          product: null,
          createdAt: 'x',
        },
      ],
      total: '5.00',
    };
    const values = e.initialValues(previous);
    expect(e.payload(values, { mode: 'update', previous })).toEqual({ version: 3 });
    const lost = { ...values, stage: 'lost' };
    expect(e.payload(lost, { mode: 'update', previous })).toEqual({ version: 3, stage: 'lost' });
    expect(e.validate(lost, { mode: 'update', previous })).toEqual([
      { path: '/lossReason', message: 'is required' },
    ]);
    const more = { ...values, lines: [...(values.lines as unknown[]), line(2, '1.00')] };
    expect(e.payload(more, { mode: 'update', previous })).toEqual({
      version: 3,
      lines: [
        { id: '7d0f1d2e-0000-4000-8000-000000000002', qty: 1, price: '5.00', note: null, product: null },
        { qty: 2, price: '1.00' },
      ],
    });
  });

  it('is deterministic: the clock comes from the context', () => {
    const later = createFormEngine(doc, formFor(doc, 'order'), {
      now: new Date('2026-12-31T17:00:00Z'),
      locale: 'en',
    });
    expect(later.initialValues().createdOn).toBe('2027-01-01');
  });
});
