import type { AppDocument } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const CONTACTS = '/api/apps/crm/entities/contact/records';

const crmApp = (): AppDocument => ({
  schemaVersion: 1,
  key: 'crm',
  label: { 'zh-CN': '客户' },
  entities: [
    {
      id: 'contact',
      key: 'contact',
      label: { 'zh-CN': '联系人' },
      titleField: 'name',
      fields: [
        { id: 'name', key: 'name', type: 'text', label: { 'zh-CN': '姓名' }, required: true },
        { id: 'email', key: 'email', type: 'email', label: { 'zh-CN': '邮箱' }, unique: true },
        { id: 'score', key: 'score', type: 'number', integer: true, label: { 'zh-CN': '评分' } },
      ],
    },
  ],
});

describe('soft delete, restore and history', () => {
  let fx: HttpFixture;
  let id: string;
  const url = () => `${CONTACTS}/${id}`;

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(crmApp());
    const res = await fx.api('POST', CONTACTS, { name: '李娜', email: 'li@example.cn', score: 3 });
    expect(res.status, res.text).toBe(201);
    id = res.body.id;
    fx.clock.tick(60_000);
    const updated = await fx.api('PATCH', url(), { score: 5, name: '李娜娜' }, { 'if-match': 'W/"1"' });
    expect(updated.status, updated.text).toBe(200);
  });
  afterAll(async () => fx?.close());

  it('DELETE hides the record but keeps the row', async () => {
    fx.clock.tick(60_000);
    const stale = await fx.api('DELETE', url(), undefined, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    const res = await fx.api('DELETE', url(), undefined, { 'if-match': '"2"' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await fx.api('GET', url())).status).toBe(404);
    expect((await fx.api('PATCH', url(), { score: 1, version: 3 })).status).toBe(404);
    expect((await fx.api('DELETE', url())).status).toBe(404);
    expect((await fx.api('GET', CONTACTS)).body).toMatchObject({ items: [], total: 0 });
    const [row] = await fx.tableRows('crm', 'contact');
    expect(row).toMatchObject({ id, f_name: '李娜娜', version: 3 });
    expect((row!.deleted_at as Date).toISOString()).toBe('2026-03-01T02:02:00.000Z');
  });

  it('restore brings it back; a unique value taken meanwhile is a 409 that changes nothing', async () => {
    const taker = await fx.api('POST', CONTACTS, { name: '王', email: 'li@example.cn' });
    expect(taker.status, taker.text).toBe(201);
    const before = await fx.fingerprint('crm');
    const blocked = await fx.api('POST', `${url()}/restore`);
    expect(blocked.status, blocked.text).toBe(409);
    expect(blocked.body.error).toEqual({
      code: 'UNIQUE_VIOLATION',
      message: 'A record with this value already exists.',
      details: [{ path: '/email', message: 'is already used by another record' }],
    });
    expect(await fx.fingerprint('crm')).toBe(before);

    expect((await fx.api('DELETE', `${CONTACTS}/${taker.body.id}`)).status).toBe(204);
    fx.clock.tick(60_000);
    const restored = await fx.api('POST', `${url()}/restore`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({
      id,
      name: '李娜娜',
      email: 'li@example.cn',
      version: 4,
      deletedAt: null,
    });
    expect((await fx.api('GET', url())).body).toEqual(restored.body);
    expect((await fx.api('POST', `${url()}/restore`)).status).toBe(409);
  });

  it('history records who, when, and before/after per field', async () => {
    const res = await fx.api('GET', `${url()}/history`);
    expect(res.status).toBe(200);
    const items = res.body.items.map(({ id: _id, ...rest }: Record<string, unknown>) => rest);
    expect(items).toEqual([
      {
        action: 'create',
        actor: fx.adminId,
        at: '2026-03-01T02:00:00.000Z',
        changes: {
          name: { before: null, after: '李娜' },
          email: { before: null, after: 'li@example.cn' },
          score: { before: null, after: 3 },
          ownerId: { before: null, after: fx.adminId },
        },
      },
      {
        action: 'update',
        actor: fx.adminId,
        at: '2026-03-01T02:01:00.000Z',
        changes: { name: { before: '李娜', after: '李娜娜' }, score: { before: 3, after: 5 } },
      },
      { action: 'delete', actor: fx.adminId, at: '2026-03-01T02:02:00.000Z', changes: {} },
      { action: 'restore', actor: fx.adminId, at: '2026-03-01T02:03:00.000Z', changes: {} },
    ]);
  });

  it('history of a deleted record is still readable; of a missing one is 404', async () => {
    const other = await fx.api('POST', CONTACTS, { name: 'x' });
    await fx.api('DELETE', `${CONTACTS}/${other.body.id}`);
    const history = await fx.api('GET', `${CONTACTS}/${other.body.id}/history`);
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['create', 'delete']);
    const missing = await fx.api('GET', `${CONTACTS}/00000000-0000-4000-8000-000000000000/history`);
    expect(missing.status).toBe(404);
  });
});
