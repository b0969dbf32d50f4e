import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTypesApp } from '../../schema/test/fixtures.js';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const ORDERS = '/api/apps/demo/entities/order/records';
const REP = '0b5f0d4e-3c1a-4d6e-9a43-7b9d2f1c0a11';
const DEPT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const FILE = {
  id: '9b2f1c0a-3c1a-4d6e-9a43-7b9d2f1c0a11',
  name: '合同.pdf',
  size: 1024,
  mimeType: 'application/pdf',
};

// One row per field type: what is sent on create and what comes back, then the same for a PATCH.
// `account` (reference) and `lines` (subTable) need ids made during the test and are checked separately.
const CASES: Array<{ key: string; create: unknown; stored: unknown; patch: unknown; patched: unknown }> = [
  {
    key: 'title',
    create: '年度框架合同 😀',
    stored: '年度框架合同 😀',
    patch: 'Renewal',
    patched: 'Renewal',
  },
  {
    key: 'notes',
    create: '第一行\n第二行\t"引号"',
    stored: '第一行\n第二行\t"引号"',
    patch: null,
    patched: null,
  },
  {
    key: 'body',
    create: '<p onclick="x()">hi<script>alert(1)</script><a href="javascript:x">l</a></p>',
    stored: '<p>hi<a rel="noopener noreferrer">l</a></p>',
    patch: '<p><strong>ok</strong></p>',
    patched: '<p><strong>ok</strong></p>',
  },
  { key: 'count', create: 3, stored: 3, patch: -9007199254740991, patched: -9007199254740991 },
  { key: 'ratio', create: '1.125', stored: '1.125', patch: 2, patched: '2.000' },
  { key: 'amount', create: '1234567.89', stored: '1234567.89', patch: '0.1', patched: '0.10' },
  { key: 'discount', create: '12.50', stored: '12.50', patch: '-3', patched: '-3.00' },
  { key: 'paid', create: true, stored: true, patch: false, patched: false },
  { key: 'due', create: '2026-02-28', stored: '2026-02-28', patch: '2024-02-29', patched: '2024-02-29' },
  {
    key: 'signedAt',
    create: '2026-03-01T09:30:00+08:00',
    stored: '2026-03-01T09:30:00.000+08:00',
    patch: '2026-06-30T23:59:59.999Z',
    patched: '2026-07-01T07:59:59.999+08:00',
  },
  { key: 'stage', create: 'won', stored: 'won', patch: 'new', patched: 'new' },
  { key: 'tags', create: ['vip', 'new'], stored: ['vip', 'new'], patch: [], patched: [] },
  {
    key: 'email',
    create: 'Li.Na@Example.CN',
    stored: 'Li.Na@example.cn',
    patch: 'a@b.co',
    patched: 'a@b.co',
  },
  {
    key: 'mobile',
    create: '+86 139 1234 5678',
    stored: '13912345678',
    patch: '010-12345678',
    patched: '010-12345678',
  },
  {
    key: 'site',
    create: 'https://example.cn/a?b=c',
    stored: 'https://example.cn/a?b=c',
    patch: 'http://例子.中国/',
    patched: 'http://例子.中国/',
  },
  { key: 'rep', create: REP.toUpperCase(), stored: REP, patch: null, patched: null },
  { key: 'dept', create: DEPT, stored: DEPT, patch: REP, patched: REP },
  { key: 'files', create: [FILE], stored: [FILE], patch: [], patched: [] },
  { key: 'region', create: '310104', stored: '310104', patch: '110101', patched: '110101' },
];

describe('every field type round-trips through the HTTP API', () => {
  let fx: HttpFixture;
  let accountA: string;
  let accountB: string;
  let created: Record<string, unknown>;

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(allTypesApp());
    for (const name of ['上海某某科技有限公司', 'Beijing Ltd']) {
      const res = await fx.api('POST', '/api/apps/demo/entities/account/records', { name });
      expect(res.status, res.text).toBe(201);
      if (!accountA) accountA = res.body.id;
      else accountB = res.body.id;
    }
    const input = Object.fromEntries(CASES.map((c) => [c.key, c.create]));
    const res = await fx.api('POST', ORDERS, {
      ...input,
      account: accountA,
      lines: [
        { product: '服务器', qty: 2, price: '19999.00' },
        { product: '交换机', qty: 1, price: '3999.5' },
      ],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.location).toBe(`${ORDERS}/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    created = res.body;
  });
  afterAll(async () => fx?.close());

  it.each(CASES)('$key: create returns the stored value', ({ key, stored }) => {
    expect(created[key]).toEqual(stored);
  });

  it('computed and system values are set on create', () => {
    expect(created).toMatchObject({
      no: 'HT-2026-0001',
      gross: '6.00',
      account: accountA,
      version: 1,
      createdAt: '2026-03-01T10:00:00.000+08:00',
      updatedAt: '2026-03-01T10:00:00.000+08:00',
      deletedAt: null,
    });
    const lines = created.lines as Array<Record<string, unknown>>;
    expect(lines.map((l) => [l.product, l.qty, l.price])).toEqual([
      ['服务器', 2, '19999.00'],
      ['交换机', 1, '3999.50'],
    ]);
  });

  it('GET returns exactly what create returned', async () => {
    const res = await fx.api('GET', `${ORDERS}/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
  });

  it('list returns exactly what create returned', async () => {
    const res = await fx.api('GET', ORDERS);
    expect(res.status).toBe(200);
    const { lines: _lines, ...withoutRows } = created;
    const item = res.body.items.find((r: { id: string }) => r.id === created.id);
    // Lists carry no sub-table rows; every other value is identical.
    expect({ ...item, lines: undefined }).toEqual({ ...withoutRows, lines: undefined });
  });

  it('PATCH changes each type exactly and GET agrees', async () => {
    fx.clock.tick(60_000);
    const patch = Object.fromEntries(CASES.map((c) => [c.key, c.patch]));
    const lines = created.lines as Array<{ id: string }>;
    const res = await fx.api('PATCH', `${ORDERS}/${created.id}`, {
      ...patch,
      version: 1,
      account: accountB,
      lines: [{ id: lines[1]!.id, product: '交换机', qty: 4, price: '1' }, { product: '网线' }],
    });
    expect(res.status, res.text).toBe(200);
    for (const c of CASES) expect(res.body[c.key], c.key).toEqual(c.patched);
    expect(res.body).toMatchObject({
      account: accountB,
      version: 2,
      no: 'HT-2026-0001',
      gross: '-18014398509481982.00',
      updatedAt: '2026-03-01T10:01:00.000+08:00',
      createdAt: '2026-03-01T10:00:00.000+08:00',
    });
    expect(res.body.lines.map((l: Record<string, unknown>) => [l.id, l.product, l.qty, l.price])).toEqual([
      [lines[1]!.id, '交换机', 4, '1.00'],
      [expect.any(String), '网线', null, null],
    ]);
    const fetched = await fx.api('GET', `${ORDERS}/${created.id}`);
    expect(fetched.body).toEqual(res.body);
  });

  it('stores values in their typed columns', async () => {
    const [row] = (await fx.tableRows('demo', 'order')).filter((r) => r.id === created.id);
    expect(row).toMatchObject({ f_count: -9007199254740991, f_ratio: '2.000', f_paid: false, f_tags: [] });
    expect(row!.f_signed_at).toBeInstanceOf(Date);
    expect((row!.f_signed_at as Date).toISOString()).toBe('2026-06-30T23:59:59.999Z');
  });
});
