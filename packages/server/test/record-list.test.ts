import type { AppDocument } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const PRODUCTS = '/api/apps/shop/entities/product/records';
const L = (zh: string) => ({ 'zh-CN': zh });

const shopApp = (): AppDocument => ({
  schemaVersion: 1,
  key: 'shop',
  label: L('商店'),
  entities: [
    {
      id: 'supplier',
      key: 'supplier',
      label: L('供应商'),
      titleField: 'name',
      fields: [{ id: 'name', key: 'name', type: 'text', label: L('名称') }],
    },
    {
      id: 'product',
      key: 'product',
      label: L('产品'),
      titleField: 'name',
      searchFields: ['name', 'code'],
      fields: [
        { id: 'name', key: 'name', type: 'text', label: L('名称') },
        { id: 'code', key: 'code', type: 'text', label: L('编码') },
        { id: 'price', key: 'price', type: 'number', integer: true, label: L('价格') },
        { id: 'rank', key: 'rank', type: 'number', precision: 6, scale: 1, label: L('排名') },
        { id: 'launch', key: 'launch', type: 'date', label: L('上市') },
        { id: 'active', key: 'active', type: 'boolean', label: L('在售') },
        { id: 'supplier', key: 'supplier', type: 'reference', target: 'supplier', label: L('供应商') },
        { id: 'notes', key: 'notes', type: 'longText', label: L('备注') },
      ],
    },
  ],
});

// 23 products: repeated prices and ranks, NULLs in every sort column, some with the same createdAt.
const PRODUCT_ROWS = Array.from({ length: 23 }, (_, i) => ({
  name: `${['alpha', 'beta', 'gamma', '100%_off'][i % 4]}-${String(i).padStart(2, '0')}`,
  code: `C${i}`,
  price: i % 5 === 0 ? null : (i * 7) % 4,
  rank: i % 3 === 0 ? null : `${(i * 3) % 5}.5`,
  launch: i % 4 === 0 ? null : `2026-0${(i % 3) + 1}-1${i % 7}`,
  active: i % 6 === 0 ? null : i % 2 === 0,
}));

const SORTS = [
  'price',
  '-price',
  'price,-name',
  '-price,rank',
  'rank,-price,launch',
  '-launch,active',
  'active,-createdAt',
  '',
];
const FILTERS = [
  undefined,
  { '!=': [{ var: 'active' }, true] },
  { or: [{ '==': [{ var: 'price' }, null] }, { '>': [{ var: 'price' }, 1] }] },
];

describe('listing records', () => {
  let fx: HttpFixture;
  let suppliers: string[];
  let products: Array<Record<string, unknown>>;

  const get = async (query: string) => {
    const res = await fx.api('GET', `${PRODUCTS}?${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(shopApp());
    suppliers = [];
    for (const name of ['S1', 'S2']) {
      const res = await fx.api('POST', '/api/apps/shop/entities/supplier/records', { name });
      suppliers.push(res.body.id);
    }
    products = [];
    for (const [i, row] of PRODUCT_ROWS.entries()) {
      if (i % 3 !== 0) fx.clock.tick(1000);
      const res = await fx.api('POST', PRODUCTS, { ...row, supplier: i < 2 ? suppliers[i] : null });
      expect(res.status, res.text).toBe(201);
      products.push(res.body);
    }
  });
  afterAll(async () => fx?.close());

  describe.each(FILTERS.map((filter) => ({ filter, label: JSON.stringify(filter) ?? 'no filter' })))(
    'keyset paging with $label',
    ({ filter }) => {
      it.each(SORTS)('sort "%s" walks every row exactly once, in order', async (sort) => {
        const base = `sort=${encodeURIComponent(sort)}${filter ? `&filter=${encodeURIComponent(JSON.stringify(filter))}` : ''}`;
        const all = await get(`${base}&limit=500&count=exact`);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await get(`${base}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(...page.items.map((r: { id: string }) => r.id));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 20);
        expect(seen).toEqual(all.items.map((r: { id: string }) => r.id));
        expect(new Set(seen).size).toBe(all.total);
        expect(all.totalExact).toBe(true);
      });
    },
  );

  it('sorts NULLs last ascending and first descending', async () => {
    const asc = (await get('sort=price&limit=500')).items.map((r: { price: number | null }) => r.price);
    const nulls = asc.filter((p: number | null) => p === null).length;
    expect(nulls).toBe(5);
    expect(asc.slice(-nulls)).toEqual(Array(nulls).fill(null));
    expect(asc.slice(0, -nulls)).toEqual([...asc.slice(0, -nulls)].sort((a, b) => a - b));
    const desc = (await get('sort=-price&limit=500')).items.map((r: { price: number | null }) => r.price);
    expect(desc.slice(0, nulls)).toEqual(Array(nulls).fill(null));
  });

  it('filters exactly', async () => {
    const page = await get(`filter=${encodeURIComponent('{"in":[{"var":"price"},[1,2]]}')}&limit=500`);
    const expected = products.filter((p) => p.price === 1 || p.price === 2).map((p) => p.id);
    expect(page.items.map((r: { id: string }) => r.id).sort()).toEqual(expected.sort());
    expect(page.total).toBe(expected.length);
  });

  it('searches the search fields; % and _ match themselves', async () => {
    expect((await get('q=ALPHA&limit=500')).total).toBe(6);
    expect((await get('q=C1&limit=500')).total).toBe(11);
    const literal = await get(`q=${encodeURIComponent('100%_')}&limit=500`);
    expect(literal.items.map((r: { name: string }) => r.name.slice(0, 5))).toEqual(Array(5).fill('100%_'));
    expect((await get(`q=${encodeURIComponent('%')}`)).total).toBe(5);
  });

  it('expands references into _expand, null for deleted targets', async () => {
    const page = await get('sort=createdAt&limit=3&expand=supplier');
    expect(page.items[0]._expand.supplier).toMatchObject({ id: suppliers[0], name: 'S1' });
    expect(page.items[1]._expand.supplier).toMatchObject({ id: suppliers[1], name: 'S2' });
    expect(page.items[2]).not.toHaveProperty('_expand');
    expect((await fx.api('DELETE', `/api/apps/shop/entities/supplier/records/${suppliers[1]}`)).status).toBe(
      204,
    );
    const after = await get('sort=createdAt&limit=2&expand=supplier,supplier');
    expect(after.items[1]._expand.supplier).toBeNull();
    expect(after.items[1].supplier).toBe(suppliers[1]);
  });

  it('counts exactly for small sets, by default and on request', async () => {
    expect(await get('limit=1')).toMatchObject({ total: 23, totalExact: true });
    expect(await get('limit=1&count=exact')).toMatchObject({ total: 23, totalExact: true });
  });

  it('accepts the limit bounds and refuses unsortable keys', async () => {
    expect((await get('limit=1')).items).toHaveLength(1);
    expect((await get('limit=500')).items).toHaveLength(23);
    const res = await fx.api('GET', `${PRODUCTS}?sort=notes`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_SORT', details: [{ path: '/sort/0' }] });
  });

  it('a cursor from one sort is refused by another', async () => {
    const page = await get('sort=price&limit=2');
    const res = await fx.api('GET', `${PRODUCTS}?sort=price,name&limit=2&cursor=${page.nextCursor}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_CURSOR');
  });
});
