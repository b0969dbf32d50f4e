import type { AppDocument, Field } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clone, createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const ITEMS = '/api/apps/plan/entities/item/records';
const L = (zh: string) => ({ 'zh-CN': zh });

function baseApp(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'plan',
    label: L('计划'),
    entities: [
      {
        id: 'item',
        key: 'item',
        label: L('条目'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称') },
          { id: 'code', key: 'code', type: 'text', label: L('编码'), unique: true },
          { id: 'price', key: 'price', type: 'number', integer: true, label: L('价格') },
          { id: 'status', key: 'status', type: 'text', label: L('状态') },
          { id: 'qty', key: 'qty', type: 'text', label: L('数量') },
          { id: 'note', key: 'note', type: 'text', label: L('备注') },
          { id: 'sku', key: 'sku', type: 'text', label: L('SKU') },
        ],
      },
    ],
  };
}

const ROWS = [
  { name: 'A', code: '42', price: 10, status: '赢单', qty: '1', note: 'n-a', sku: 'S1' },
  { name: 'B', code: ' 7 ', price: -3, status: 'new', qty: 'many', note: 'n-b', sku: 'S1' },
  { name: 'C', code: null, price: null, status: null, qty: null, note: null, sku: 'S2' },
];

describe('publishing through the API with data present', () => {
  let fx: HttpFixture;
  let doc: AppDocument;
  const ids: string[] = [];
  const fields = () => doc.entities[0]!.fields;
  const field = (id: string) => fields().find((f) => f.id === id)!;
  const replaceField = (id: string, next: Field) => {
    const list = fields();
    list[list.findIndex((f) => f.id === id)] = next;
  };
  const list = async (sort = 'title') => {
    const res = await fx.api('GET', `${ITEMS}?sort=${sort}`);
    expect(res.status, res.text).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  };
  const version = async () => (await fx.api('GET', '/api/apps/plan')).body.version as number;

  beforeAll(async () => {
    fx = await createHttpFixture();
    doc = baseApp();
    await fx.publish(doc);
    for (const row of ROWS) {
      const res = await fx.api('POST', ITEMS, row);
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
    }
  });
  afterAll(async () => fx?.close());

  it('plan is a dry run: it reports the steps and changes nothing', async () => {
    const draft = clone(doc);
    draft.entities[0]!.fields.push({ id: 'extra', key: 'extra', type: 'text', label: L('额外') });
    expect((await fx.api('PUT', '/api/apps/plan/draft', draft)).status).toBe(200);
    const before = await fx.fingerprint('plan');
    const res = await fx.api('POST', '/api/apps/plan/plan');
    expect(res.status, res.text).toBe(200);
    expect(res.body.blocked).toBe(false);
    expect(res.body.plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['addColumn']);
    expect(await fx.fingerprint('plan')).toBe(before);
    expect(await version()).toBe(1);
  });

  it('adds a field: a new empty column, existing values untouched', async () => {
    fields().push({ id: 'extra', key: 'extra', type: 'text', label: L('额外') });
    expect(await fx.publish(doc)).toBe(2);
    expect(await fx.columns('plan', 'item')).toContain('f_extra');
    const items = await list('name');
    expect(items.map((r) => [r.name, r.extra])).toEqual([
      ['A', null],
      ['B', null],
      ['C', null],
    ]);
  });

  it('renames a key and a label: no data moves, the physical column is unchanged', async () => {
    const columnsBefore = await fx.columns('plan', 'item');
    const rowsBefore = await fx.tableRows('plan', 'item');
    replaceField('name', { ...field('name'), key: 'title', label: L('标题') } as Field);
    doc.entities[0]!.titleField = 'name';
    const plan = await fx
      .api('PUT', '/api/apps/plan/draft', doc)
      .then(() => fx.api('POST', '/api/apps/plan/plan'));
    expect(plan.body.plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['metadataOnly']);
    expect(await fx.publish(doc)).toBe(3);
    expect(await fx.columns('plan', 'item')).toEqual(columnsBefore);
    expect((await fx.tableRows('plan', 'item')).map((r) => r.f_name)).toEqual(
      rowsBefore.map((r) => r.f_name),
    );
    const items = await list();
    expect(items.map((r) => r.title)).toEqual(['A', 'B', 'C']);
    expect(items[0]).not.toHaveProperty('name');
    expect((await fx.api('GET', `${ITEMS}?sort=name`)).status).toBe(400);
  });

  it('changes types with convertible data: values converted, old columns archived and hidden', async () => {
    replaceField('code', {
      id: 'code',
      key: 'code',
      type: 'number',
      integer: true,
      label: L('编码'),
      unique: true,
    });
    replaceField('price', { id: 'price', key: 'price', type: 'money', label: L('价格') });
    replaceField('status', {
      id: 'status',
      key: 'status',
      type: 'singleSelect',
      label: L('状态'),
      options: [
        { id: 'won', label: { 'zh-CN': '赢单', en: 'Won' } },
        { id: 'new', label: L('新建') },
      ],
    });
    expect(await fx.publish(doc)).toBe(4);
    const items = await list();
    expect(items.map((r) => [r.code, r.price, r.status])).toEqual([
      [42, '10.00', 'won'],
      [7, '-3.00', 'new'],
      [null, null, null],
    ]);
    const columns = await fx.columns('plan', 'item');
    expect(columns).toEqual(expect.arrayContaining(['f_code', 'f_code__v4', 'f_price__v4', 'f_status__v4']));
    const rows = await fx.tableRows('plan', 'item');
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => byId.get(id)!.f_code__v4)).toEqual(['42', ' 7 ', null]);
    expect(ids.map((id) => byId.get(id)!.f_status__v4)).toEqual(['赢单', 'new', null]);
    for (const item of items) expect(Object.keys(item).some((k) => k.includes('__v'))).toBe(false);
    // The unique index moved with the archived column; it must be rebuilt on the new one.
    const dup = await fx.api('POST', ITEMS, { title: 'dup', code: 42 });
    expect(dup.status, dup.text).toBe(409);
    expect(dup.body.error.details).toEqual([{ path: '/code', message: 'is already used by another record' }]);
    const archivedAgain = await fx.api('POST', ITEMS, { title: 'dup', code: 43 });
    expect(archivedAgain.status, archivedAgain.text).toBe(201);
    expect((await fx.api('DELETE', `${ITEMS}/${archivedAgain.body.id}`)).status).toBe(204);
  });

  it('a type change with non-convertible data is blocked naming the records, and nothing is applied', async () => {
    replaceField('qty', { id: 'qty', key: 'qty', type: 'number', integer: true, label: L('数量') });
    const saved = await fx.api('PUT', '/api/apps/plan/draft', doc);
    expect(saved.status).toBe(200);
    const before = await fx.fingerprint('plan');
    const res = await fx.api('POST', '/api/apps/plan/publish', {});
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.code).toBe('PUBLISH_BLOCKED');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/entities/item/fields/qty', recordIds: [ids[1]] }),
    ]);
    expect(await fx.fingerprint('plan')).toBe(before);
    expect(await version()).toBe(4);
    const draft = await fx.api('GET', '/api/apps/plan/draft');
    expect(draft.body.revision).toBe(saved.body.revision);
    expect(draft.body.document.entities[0].fields.find((f: Field) => f.id === 'qty').type).toBe('number');
    const plan = await fx.api('POST', '/api/apps/plan/plan');
    expect(plan.body.blocked).toBe(true);
    expect(await fx.fingerprint('plan')).toBe(before);
    replaceField('qty', { id: 'qty', key: 'qty', type: 'text', label: L('数量') });
  });

  it('removes a field: column and values kept but hidden; re-adding the same id brings them back', async () => {
    const note = field('note');
    doc.entities[0]!.fields = fields().filter((f) => f.id !== 'note');
    expect(await fx.publish(doc)).toBe(5);
    const items = await list();
    for (const item of items) expect(item).not.toHaveProperty('note');
    const rows = await fx.tableRows('plan', 'item');
    const archived = Object.keys(rows[0]!).find((c) => c.startsWith('f_note'));
    expect(archived).toBeDefined();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => byId.get(id)![archived!])).toEqual(['n-a', 'n-b', null]);
    const filtered = await fx.api(
      'GET',
      `${ITEMS}?filter=${encodeURIComponent('{"==":[{"var":"note"},"n-a"]}')}`,
    );
    expect(filtered.status).toBe(400);

    fields().push(note);
    expect(await fx.publish(doc)).toBe(6);
    expect((await list()).map((r) => [r.title, r.note])).toEqual([
      ['A', 'n-a'],
      ['B', 'n-b'],
      ['C', null],
    ]);
    expect((await fx.columns('plan', 'item')).filter((c) => c.startsWith('f_note'))).toEqual(['f_note']);
  });

  it('a unique constraint over duplicates is blocked naming the records', async () => {
    replaceField('sku', { ...field('sku'), unique: true } as Field);
    expect((await fx.api('PUT', '/api/apps/plan/draft', doc)).status).toBe(200);
    const before = await fx.fingerprint('plan');
    const res = await fx.api('POST', '/api/apps/plan/publish');
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/entities/item/fields/sku', recordIds: [ids[0], ids[1]].sort() }),
    ]);
    expect(await fx.fingerprint('plan')).toBe(before);
    expect(await version()).toBe(6);

    const fixed = await fx.api('PATCH', `${ITEMS}/${ids[1]}`, { sku: 'S3' }, { 'if-match': '"1"' });
    expect(fixed.status, fixed.text).toBe(200);
    expect((await fx.api('POST', '/api/apps/plan/publish')).status).toBe(200);
    const dup = await fx.api('POST', ITEMS, { title: 'D', sku: 'S1' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'UNIQUE_VIOLATION', details: [{ path: '/sku' }] });
  });

  it('a unique index over values that become equal once converted is blocked naming the records', async () => {
    fields().push({ id: 'alt', key: 'alt', type: 'text', label: L('备用') });
    expect(await fx.publish(doc)).toBe(8);
    for (const [i, alt] of ['5', ' 5 '].entries()) {
      const current = await fx.api('GET', `${ITEMS}/${ids[i]}`);
      const res = await fx.api('PATCH', `${ITEMS}/${ids[i]}`, { alt, version: current.body.version });
      expect(res.status, res.text).toBe(200);
    }
    replaceField('alt', {
      id: 'alt',
      key: 'alt',
      type: 'number',
      integer: true,
      unique: true,
      label: L('备用'),
    });
    expect((await fx.api('PUT', '/api/apps/plan/draft', doc)).status).toBe(200);
    const before = await fx.fingerprint('plan');
    const res = await fx.api('POST', '/api/apps/plan/publish');
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/entities/item/fields/alt', recordIds: [ids[0], ids[1]].sort() }),
    ]);
    expect(await fx.fingerprint('plan')).toBe(before);
    replaceField('alt', { id: 'alt', key: 'alt', type: 'number', integer: true, label: L('备用') });
    expect(await fx.publish(doc)).toBe(9);
  });

  it('removes an entity: table kept, records hidden; re-adding it brings them back', async () => {
    const tag = {
      id: 'tag',
      key: 'tag',
      label: L('标签'),
      titleField: 'label',
      fields: [{ id: 'label', key: 'label', type: 'text' as const, label: L('名称'), unique: true }],
    };
    doc.entities.push(tag);
    expect(await fx.publish(doc)).toBe(10);
    const created = await fx.api('POST', '/api/apps/plan/entities/tag/records', { label: 'red' });
    expect(created.status, created.text).toBe(201);
    doc.entities = doc.entities.filter((e) => e.id !== 'tag');
    expect(await fx.publish(doc)).toBe(11);
    expect((await fx.api('GET', '/api/apps/plan/entities/tag/records')).status).toBe(404);
    expect((await fx.tableRows('plan', 'tag')).map((r) => r.f_label)).toEqual(['red']);
    doc.entities.push(tag);
    expect(await fx.publish(doc)).toBe(12);
    const back = await fx.api('GET', '/api/apps/plan/entities/tag/records');
    expect(back.body.items.map((r: Record<string, unknown>) => [r.id, r.label])).toEqual([
      [created.body.id, 'red'],
    ]);
    const dup = await fx.api('POST', '/api/apps/plan/entities/tag/records', { label: 'red' });
    expect(dup.status).toBe(409);
  });

  it('lists every published version', async () => {
    const res = await fx.api('GET', '/api/apps/plan/versions');
    expect(res.body.items.map((v: { version: number }) => v.version)).toEqual([
      12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
    ]);
  });
});
