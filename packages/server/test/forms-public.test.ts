import { checkFormRules } from '@dougong/forms';
import { validateAppDocument } from '@dougong/schema';
import { salesApp } from '@dougong/template-sales';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_SUBMISSIONS_PER_MINUTE } from '../src/forms/public-form-routes.js';
import { type AuthFixture, createAuthFixture } from './support/auth-fixture.js';

const BASE = '/api/public/forms/sales/lead_signup';
let ipCounter = 0;
/** Each test its own client address, so the per-IP limit of one test never touches another. */
const freshIp = () => `203.0.113.${++ipCounter}`;

describe('public forms', () => {
  let fx: AuthFixture;
  let campaignId: string;

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(salesApp());
    const campaign = await fx.admin.request('POST', '/api/apps/sales/entities/campaign/records', {
      name: '2026 春季研讨会',
      channel: 'webinar',
    });
    expect(campaign.status).toBe(201);
    campaignId = campaign.body.id;
  });
  afterAll(async () => fx.close());

  const submit = (body: unknown, query = '', headers: Record<string, string> = {}) =>
    fx.anonymous.request('POST', `${BASE}/submissions${query}`, body, {
      'x-forwarded-for': freshIp(),
      ...headers,
    });

  const leads = async () =>
    (await fx.admin.request('GET', '/api/apps/sales/entities/lead/records?limit=500&sort=createdAt')).body
      .items as Array<Record<string, unknown>>;

  it('the template’s forms are valid and their rules check', () => {
    const result = validateAppDocument(salesApp());
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(checkFormRules(salesApp())).toEqual([]);
  });

  it('serves the public definition: its own fields only, nothing of other records', async () => {
    const res = await fx.anonymous.request('GET', BASE);
    expect(res.status).toBe(200);
    const def = res.body;
    expect(def.title.en).toBe('Webinar and trade-show sign-up');
    expect(def.thankYou['zh-CN']).toContain('感谢');
    expect(def.honeypot).toBe('website_url');
    expect(def.prefill).toEqual(['name', 'company', 'email', 'mobile']);
    expect(def.document.entities).toHaveLength(1);
    expect(def.document.entities[0].fields.map((f: { key: string }) => f.key)).toEqual([
      'name',
      'company',
      'title',
      'mobile',
      'email',
      'industry',
    ]);
    expect(def.document.entities[0].fields[5].options.length).toBeGreaterThan(3);
    const text = JSON.stringify(def);
    for (const secret of [
      campaignId,
      'roles',
      'annualRevenue',
      'utmSource',
      'referrer',
      'opportunity',
      'attribution',
    ])
      expect(text).not.toContain(secret);
  });

  it('404s for unknown, non-public forms and unknown apps', async () => {
    for (const url of [
      '/api/public/forms/sales/nope',
      '/api/public/forms/sales/lead_full',
      '/api/public/forms/nosuchapp/lead_signup',
      '/api/public/forms/sales/..%2Flead_full',
    ]) {
      const res = await fx.anonymous.request('GET', url);
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('creates a lead as the system with its source attribution and query prefill', async () => {
    const query = `?utm_source=wechat&utm_medium=social&utm_campaign=spring-2026&utm_term=crm&utm_content=banner-a&campaign=${campaignId}&company=${encodeURIComponent('上海示例科技')}`;
    const res = await submit(
      {
        values: { name: '李雷', mobile: '13800138000', email: 'lilei@example.com' },
        referrer: 'https://blog.example.com/post/1',
      },
      query,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      ok: true,
      thankYou: salesApp().forms!.find((f) => f.id === 'lead_signup')!.public!.thankYou,
    });
    const lead = (await leads()).find((l) => l.name === '李雷')!;
    expect(lead).toMatchObject({
      company: '上海示例科技',
      mobile: '13800138000',
      source: 'event',
      campaign: campaignId,
      utmSource: 'wechat',
      utmMedium: 'social',
      utmCampaign: 'spring-2026',
      utmTerm: 'crm',
      utmContent: 'banner-a',
      referrer: 'https://blog.example.com/post/1',
      status: 'new',
      createdBy: null,
      ownerId: null,
    });
    expect(lead.leadNo).toMatch(/^XS-202603-\d{5}$/);
  });

  it('takes the channel from the link when it is an option, the Referer header, and ignores bad links', async () => {
    const res = await submit(
      {
        values: { name: '韩梅梅', email: 'hmm@example.com' },
        query: { channel: 'wechat', campaign: '00000000-0000-4000-8000-000000000000' },
      },
      `?utm_source=${'x'.repeat(500)}`,
      { referer: 'https://partner.example.org/' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const lead = (await leads()).find((l) => l.name === '韩梅梅')!;
    expect(lead).toMatchObject({
      source: 'wechat',
      campaign: null,
      referrer: 'https://partner.example.org/',
    });
    expect(String(lead.utmSource)).toHaveLength(200);
    const unknownChannel = await submit({
      values: { name: '王五', email: 'w5@example.com' },
      query: { channel: 'billboard' },
    });
    expect(unknownChannel.status).toBe(201);
    expect((await leads()).find((l) => l.name === '王五')).toMatchObject({ source: 'event' });
  });

  it('rejects fields that are not on the form and rules that fail, leaving the database unchanged', async () => {
    const before = await leads();
    const extra = await submit({
      values: { name: 'X', email: 'x@example.com', score: 99, status: 'qualified' },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details).toEqual([
      { path: '/score', message: 'is not a field of this form' },
      { path: '/status', message: 'is not a field of this form' },
    ]);
    const unreachable = await submit({ values: { name: 'Y' } });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: '/mobile', message: 'Give a mobile number or an email address' }],
    });
    const badType = await submit({ values: { name: 'Z', email: 'not-an-email', mobile: '123' } });
    expect(badType.status).toBe(400);
    expect(badType.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/email', '/mobile']);
    const missing = await submit({ values: { email: 'q@example.com' } });
    expect(missing.body.error.details).toEqual([{ path: '/name', message: 'is required' }]);
    expect(await leads()).toEqual(before);
  });

  it('answers a filled honeypot like a success and stores nothing', async () => {
    const before = await leads();
    const res = await submit({
      values: { name: 'Bot', email: 'bot@example.com' },
      website_url: 'http://spam.example',
    });
    expect(res.status).toBe(201);
    expect(res.body.ok).toBe(true);
    expect(await leads()).toEqual(before);
  });

  it('limits submissions per IP address (429 with Retry-After)', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i <= PUBLIC_SUBMISSIONS_PER_MINUTE; i++)
      statuses.push((await submit({ values: { name: `Flood ${i}` } }, '', { 'x-forwarded-for': ip })).status);
    expect(statuses.slice(0, PUBLIC_SUBMISSIONS_PER_MINUTE).every((s) => s === 400)).toBe(true);
    const limited = await submit({ values: { name: 'Flood' } }, '', { 'x-forwarded-for': ip });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected; the same one is served again after the window.
    expect((await submit({ values: { name: 'Other', email: 'o@example.com' } })).status).toBe(201);
    fx.clock.tick(61_000);
    expect(
      (await submit({ values: { name: 'Later', email: 'l@example.com' } }, '', { 'x-forwarded-for': ip }))
        .status,
    ).toBe(201);
  });

  it('refuses oversized bodies (413) and malformed ones (400)', async () => {
    const before = await leads();
    const huge = await submit({
      values: { name: 'Big', email: 'b@example.com', company: 'x'.repeat(40_000) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await submit({ values: 'nope' })).status).toBe(400);
    expect((await submit({ values: {}, extra: 1 })).status).toBe(400);
    const deep = await submit({ values: { name: 'Deep', email: 'd@example.com', company: { a: { b: 1 } } } });
    expect(deep.status).toBe(400);
    expect(await leads()).toEqual(before);
  });
});

describe('forms for signed-in users', () => {
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(salesApp());
  });
  afterAll(async () => fx.close());

  it('removes fields hidden from the caller’s roles and marks read-only ones', async () => {
    const id = await fx.createUser('mkt');
    expect(
      (await fx.admin.request('PUT', `/api/users/${id}/roles/sales`, { roles: ['marketing'] })).status,
    ).toBe(200);
    const marketing = await fx.login('mkt', 'Passw0rd!x');
    const account = await marketing.request('GET', '/api/apps/sales/forms/account');
    expect(account.status).toBe(200);
    expect(account.body.hidden).toEqual(['annualRevenue']);
    expect(JSON.stringify(account.body.form)).not.toContain('annual_revenue');
    expect(account.body.form.id).toBe('default-account');
    expect(account.body.readOnly).toContain('name');

    const admin = await fx.admin.request('GET', '/api/apps/sales/forms/account');
    expect(JSON.stringify(admin.body.form)).toContain('annual_revenue');
    const opportunity = await fx.admin.request('GET', '/api/apps/sales/forms/opportunity?kind=quickCreate');
    expect(opportunity.body.form.id).toBe('opportunity_full');
    expect((await marketing.request('GET', '/api/apps/sales/forms/opportunity')).status).toBe(403);
    expect((await fx.anonymous.request('GET', '/api/apps/sales/forms/lead')).status).toBe(401);
    expect((await fx.admin.request('GET', '/api/apps/sales/forms/nope')).status).toBe(404);
  });

  it('enforces the forms’ linkage on every write: the loss reason of a lost deal', async () => {
    const account = await fx.admin.request('POST', '/api/apps/sales/entities/account/records', {
      name: '示例客户',
    });
    const lost = await fx.admin.request('POST', '/api/apps/sales/entities/opportunity/records', {
      name: 'Deal',
      account: account.body.id,
      stage: 'lost',
    });
    expect(lost.status).toBe(400);
    expect(lost.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: '/lossReason', message: 'is required' }],
    });
    const open = await fx.admin.request('POST', '/api/apps/sales/entities/opportunity/records', {
      name: 'Deal',
      account: account.body.id,
    });
    expect(open.status).toBe(201);
    const moved = await fx.admin.request(
      'PATCH',
      `/api/apps/sales/entities/opportunity/records/${open.body.id}`,
      {
        stage: 'lost',
        version: open.body.version,
      },
    );
    expect(moved.status).toBe(400);
    expect(moved.body.error.details).toEqual([{ path: '/lossReason', message: 'is required' }]);
    const explained = await fx.admin.request(
      'PATCH',
      `/api/apps/sales/entities/opportunity/records/${open.body.id}`,
      {
        stage: 'lost',
        lossReason: '预算取消',
        version: open.body.version,
      },
    );
    expect(explained.status).toBe(200);
  });
});
