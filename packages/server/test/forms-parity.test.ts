// @vitest-environment jsdom
// The form engine runs here as it does in the browser (a DOM environment); the same inputs then go through
// the HTTP API, and the issue lists must be identical — same paths, same messages, same order.
import { createFormEngine, type FormValues, formFor } from '@dougong/forms';
import type { AppDocument, Locale } from '@dougong/schema';
import { salesApp } from '@dougong/template-sales';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderApp } from '../../forms/test/form-fixture.js';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const line = (qty: unknown, price: unknown, extra: Record<string, unknown> = {}) => ({
  qty,
  price,
  ...extra,
});

/** Inputs as a user would leave a new order form, good and bad. */
const ORDER_CASES: Array<[string, FormValues]> = [
  ['valid with lines', { title: 'A', lines: [line(2, '10.00'), line(3, '0.10')] }],
  ['lost without a reason', { title: 'B', stage: 'lost' }],
  ['lost with a reason', { title: 'C', stage: 'lost', lossReason: 'price' }],
  ['wrong types and limits', { title: 'x'.repeat(21), lines: [line(0, 'abc'), line(1.5, '1.234')] }],
  ['missing title', { title: '', stage: 'open' }],
  [
    'rules on the record and per row',
    {
      title: 'D',
      discount: '50.00',
      lines: [line(2, '10.00'), line(1001, '0', { note: 'gift' }), line(1, '0')],
    },
  ],
  ['won sets the probability', { title: 'E', stage: 'won', probability: '5' }],
  ['bad option', { title: 'F', stage: 'maybe' }],
];

describe('validation parity: form engine (jsdom) and HTTP API', () => {
  let fx: HttpFixture;
  const doc: AppDocument = orderApp();

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(doc);
    await fx.publish(salesApp());
  });
  afterAll(async () => fx.close());

  const engineFor = (locale: Locale) =>
    createFormEngine(doc, formFor(doc, 'order'), { now: fx.clock.now(), locale, user: { id: fx.adminId } });

  it('runs in a DOM environment', () => {
    expect(typeof window).toBe('object');
    expect(typeof document.createElement).toBe('function');
  });

  it.each(ORDER_CASES)('create: %s', async (_name, typed) => {
    const engine = engineFor('en');
    const values = { ...engine.initialValues(), ...typed };
    const expected = engine.validate(values, { mode: 'create' });
    const res = await fx.api(
      'POST',
      '/api/apps/shop/entities/order/records',
      engine.payload(values, { mode: 'create' }),
    );
    if (expected.length === 0) {
      expect(res.status, res.text).toBe(201);
      // What the browser showed is what the server stored: formulas and exact sub-table totals included.
      const shown = engine.evaluate(values).values;
      expect(res.body.total).toBe(shown.total);
      expect(res.body.probability).toBe(
        shown.probability === null ? null : Number(shown.probability).toFixed(2),
      );
      expect(res.body.lines.map((l: { amount: string }) => l.amount)).toEqual(
        (shown.lines as Array<{ amount: string }>).map((l) => l.amount),
      );
    } else {
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(expected);
      // The Chinese messages are for the same places.
      expect(
        engineFor('zh-CN')
          .validate(values, { mode: 'create' })
          .map((i) => i.path),
      ).toEqual(expected.map((i) => i.path));
    }
  });

  it('update: the server checks the stored record merged with the change, like the engine', async () => {
    const engine = engineFor('en');
    const created = await fx.api(
      'POST',
      '/api/apps/shop/entities/order/records',
      engine.payload({ ...engine.initialValues(), title: 'U', lines: [line(1, '5.00')] }, { mode: 'create' }),
    );
    expect(created.status, created.text).toBe(201);
    const previous = (await fx.api('GET', `/api/apps/shop/entities/order/records/${created.body.id}`)).body;
    const url = `/api/apps/shop/entities/order/records/${previous.id}`;
    const values = engine.initialValues(previous);
    for (const change of [
      { stage: 'lost' },
      { discount: '6.00' },
      { lines: [...(values.lines as unknown[]), line(2000, '1.00')] },
      { stage: 'lost', lossReason: 'timing', discount: '1.00' },
    ]) {
      const edited = { ...values, ...change };
      const expected = engine.validate(edited, { mode: 'update', previous });
      const res = await fx.api('PATCH', url, engine.payload(edited, { mode: 'update', previous }));
      if (expected.length === 0) expect(res.status, res.text).toBe(200);
      else expect(res.body.error?.details, JSON.stringify(change)).toEqual(expected);
    }
  });

  it('public form: the page’s engine and the submission endpoint agree', async () => {
    const def = (await fx.api('GET', '/api/public/forms/sales/lead_signup')).body;
    const engine = createFormEngine(def.document, def.form, { now: fx.clock.now(), locale: 'en' });
    const cases: FormValues[] = [
      { name: '张三' },
      { name: '张三', email: 'bad' },
      { name: '', mobile: '13800138000' },
      { name: '张三', mobile: '13800138000', company: 'x'.repeat(201) },
      { name: '张三', mobile: '13800138000' },
    ];
    for (const [i, typed] of cases.entries()) {
      const values = { ...engine.initialValues(), ...typed };
      const expected = engine.validate(values, { mode: 'create' });
      const res = await fx.api(
        'POST',
        '/api/public/forms/sales/lead_signup/submissions',
        { values: engine.payload(values, { mode: 'create' }) },
        { cookie: '', 'x-forwarded-for': `198.51.100.${i + 1}` },
      );
      if (expected.length === 0) expect(res.status, res.text).toBe(201);
      else {
        expect(res.status, res.text).toBe(400);
        expect(res.body.error.details, JSON.stringify(typed)).toEqual(expected);
      }
    }
  });

  it('a bypassed browser is still refused: the server needs no engine to say no', async () => {
    const before = await fx.fingerprint('shop');
    const res = await fx.api('POST', '/api/apps/shop/entities/order/records', {
      title: 'Bypass',
      stage: 'lost',
      lines: [{ qty: 5000, price: '1.00' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: '/lossReason', message: 'is required' },
      { path: '/lines/0/qty', message: 'At most 1000 per line' },
    ]);
    expect(await fx.fingerprint('shop')).toBe(before);
  });
});
