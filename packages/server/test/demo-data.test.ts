import { TemplateInstaller, writeDemoData } from '@dougong/db';
import { salesTemplate } from '@dougong/template-sales';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/password.js';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const NOW = new Date('2026-03-01T02:00:00Z');
const records = (app: string, entity: string) => `/api/apps/${app}/entities/${entity}/records`;

describe('sales demo data in a database', () => {
  let fx: HttpFixture;
  const pkg = salesTemplate();
  let result: Awaited<ReturnType<typeof writeDemoData>>;

  const all = async (app: string, entity: string, headers?: Record<string, string>) => {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const res = await fx.api(
        'GET',
        `${records(app, entity)}?limit=500&sort=createdAt${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        headers,
      );
      expect(res.status, res.text).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    fx = await createHttpFixture();
    const installer = new TemplateInstaller(fx.database.db, fx.app.dougong.store);
    await installer.install(pkg, { actor: null });
    await installer.install(pkg, { actor: null, appKey: 'sales_copy' });
    result = await writeDemoData(fx.database.db, fx.app.dougong.store, {
      appKey: 'sales',
      generator: pkg.demoData!,
      size: 200,
      seed: 'demo',
      now: NOW,
      passwordHash: await hashPassword('Demo#2026-pass'),
    });
  });
  afterAll(async () => fx?.close());

  it('writes leads, accounts, contacts and deals that the records API reads back', async () => {
    expect(result.records.lead).toBe(200);
    const leads = await all('sales', 'lead');
    expect(leads).toHaveLength(200);
    const keys: Record<string, string> = { follow_up: 'followUp' };
    for (const entity of [
      'account',
      'contact',
      'opportunity',
      'follow_up',
      'task',
      'campaign',
      'product',
      'territory',
    ])
      expect((await all('sales', keys[entity] ?? entity)).length, entity).toBe(result.records[entity]);
    // Lead numbers follow creation time.
    const numbers = leads.map((l) => String(l.leadNo));
    expect(numbers[0]).toMatch(/^XS-\d{6}-\d{5}$/);
    expect(leads.map((l) => l.createdAt)).toEqual([...leads.map((l) => String(l.createdAt))].sort());
    // A converted lead links to its account, contact and deal, and the deal back to the lead.
    const converted = leads.find((l) => l.status === 'converted')!;
    const deal = (await fx.api('GET', `${records('sales', 'opportunity')}/${converted.convertedOpportunity}`))
      .body;
    expect(deal).toMatchObject({
      sourceLead: converted.id,
      account: converted.convertedAccount,
      contact: converted.convertedContact,
    });
    const cents = (deal.products as Array<{ quantity: number; unitPrice: string }>).reduce(
      (sum, line) => sum + line.quantity * Math.round(Number(line.unitPrice) * 100),
      0,
    );
    expect(deal.amount).toBe((cents / 100).toFixed(2));
    const account = (await fx.api('GET', `${records('sales', 'account')}/${converted.convertedAccount}`))
      .body;
    expect(account.name).toBe(converted.company);
    // Won deals carry their needs-analysis report as a stored file.
    const won = (await all('sales', 'opportunity')).find((o) => o.stage === 'won')!;
    const [file] = won.needsReport as Array<{ id: string; name: string }>;
    expect(file!.name).toMatch(/^需求分析报告-/);
    const download = await fx.app.inject({
      method: 'GET',
      url: `/api/files/${file!.id}`,
      headers: fx.adminHeaders,
    });
    expect(download.statusCode).toBe(200);
    expect(download.body).toContain('需求分析报告');
  });

  it('creates the sales organisation, and a rep sees their own leads and the pool', async () => {
    const users = (await fx.api('GET', '/api/users?q=demo.&limit=200')).body.items as Array<{
      id: string;
      login: string;
    }>;
    expect(users).toHaveLength(result.users);
    const rep = users.find((u) => u.login === 'demo.east.sh.rep1')!;
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: rep.login, password: 'Demo#2026-pass' }),
    });
    expect(login.statusCode, login.body).toBe(200);
    const headers = {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': JSON.parse(login.body).csrfToken as string,
    };
    const leads = await all('sales', 'lead');
    const own = leads.filter((l) => l.ownerId === rep.id);
    const pool = leads.filter((l) => l.ownerId === null);
    expect(own.length).toBeGreaterThan(0);
    expect(pool.every((l) => l.status === 'pool')).toBe(true);
    const seen = await all('sales', 'lead', headers);
    expect(seen.map((l) => l.id).sort()).toEqual([...own, ...pool].map((l) => l.id).sort());
    const departments = (await fx.api('GET', '/api/departments')).body.items as Array<{ name: string }>;
    expect(departments.map((d) => d.name)).toEqual(
      expect.arrayContaining(['销售部', '华东区', '上海组', '市场部']),
    );
  });

  it('gives the same data for the same seed, and refuses an app with records', async () => {
    await writeDemoData(fx.database.db, fx.app.dougong.store, {
      appKey: 'sales_copy',
      generator: pkg.demoData!,
      size: 200,
      seed: 'demo',
      now: NOW,
    });
    // Ids differ between runs; everything else is the same (the demo users are reused by login).
    const content = (items: Array<Record<string, unknown>>) =>
      items.map(
        ({
          id: _id,
          campaign: _c,
          convertedAccount: _a,
          convertedContact: _ct,
          convertedOpportunity: _o,
          ...rest
        }) => rest,
      );
    expect(content(await all('sales_copy', 'lead'))).toEqual(content(await all('sales', 'lead')));
    const again = writeDemoData(fx.database.db, fx.app.dougong.store, {
      appKey: 'sales',
      generator: pkg.demoData!,
      size: 100,
      seed: 'x',
      now: NOW,
    });
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
