import { salesApp } from '@dougong/template-sales';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, type Client, createAuthFixture } from './support/auth-fixture.js';

describe('saved views', () => {
  let fx: AuthFixture;
  let rep: Client;
  let marketing: Client;
  const views = '/api/apps/sales/entities/lead/views';

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(salesApp());
    for (const [login, role] of [
      ['zhang', 'rep'],
      ['zhou', 'marketing'],
    ] as const) {
      const id = await fx.createUser(login);
      await fx.admin.request('PUT', `/api/users/${id}/roles/sales`, { roles: [role] });
    }
    rep = await fx.login('zhang', 'Passw0rd!x');
    marketing = await fx.login('zhou', 'Passw0rd!x');
  });
  afterAll(async () => fx?.close());

  it('keeps personal views to their owner and shows shared views to everyone', async () => {
    const mine = await rep.request('POST', views, {
      name: '我的华东线索',
      definition: {
        columns: ['name', 'company'],
        sort: '-createdAt',
        conditions: [{ key: 'region', op: 'eq', value: 'east' }],
      },
    });
    expect(mine.status).toBe(201);
    expect(
      (await rep.request('POST', views, { name: '全员', shared: true, definition: { columns: ['name'] } }))
        .status,
    ).toBe(403);
    const shared = await fx.admin.request('POST', views, {
      name: '本周新线索',
      shared: true,
      definition: { columns: ['name', 'status'], sort: '-createdAt' },
    });
    expect(shared.status).toBe(201);
    const repViews = (await rep.request('GET', views)).body.items.map((v: { name: string }) => v.name);
    expect(repViews).toEqual(['本周新线索', '我的华东线索']);
    const marketingViews = (await marketing.request('GET', views)).body.items.map(
      (v: { name: string }) => v.name,
    );
    expect(marketingViews).toEqual(['本周新线索']);
    expect((await marketing.request('DELETE', `${views}/${mine.body.id}`)).status).toBe(404);
    expect((await rep.request('DELETE', `${views}/${mine.body.id}`)).status).toBe(204);
  });

  it('refuses views naming unknown or hidden fields', async () => {
    const unknown = await rep.request('POST', views, { name: 'x', definition: { columns: ['nope'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe('/definition/columns/0');
    const hidden = await marketing.request('POST', '/api/apps/sales/entities/account/views', {
      name: 'x',
      definition: { columns: ['annualRevenue'] },
    });
    expect(hidden.status).toBe(400);
  });
});
