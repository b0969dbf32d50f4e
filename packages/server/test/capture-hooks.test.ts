import { createHmac } from 'node:crypto';
import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

// Runs on PGlite, or on PostgreSQL when DATABASE_URL is set (the suite runs once per database).
const L = (en: string, zh?: string) => (zh ? { en, 'zh-CN': zh } : { en });

const doc: AppDocument = {
  schemaVersion: 1,
  key: 'cap',
  label: L('Capture'),
  entities: [
    {
      id: 'lead',
      key: 'lead',
      label: L('Lead', '线索'),
      titleField: 'name',
      fields: [
        { id: 'name', key: 'name', type: 'text', label: L('Name'), required: true, maxLength: 20 },
        { id: 'mobile', key: 'mobile', type: 'phone', label: L('Mobile') },
        { id: 'email', key: 'email', type: 'email', label: L('Email'), unique: true },
        {
          id: 'source',
          key: 'source',
          type: 'singleSelect',
          label: L('Source'),
          options: [
            { id: 'website', label: L('Website') },
            { id: 'wechat', label: L('WeChat') },
          ],
        },
      ],
    },
  ],
  flows: [
    {
      id: 'on_lead',
      key: 'onLead',
      label: L('New lead'),
      trigger: { kind: 'recordCreated', entity: 'lead' },
      start: 'end',
      nodes: [{ id: 'end', kind: 'end' }],
    },
  ],
  captureHooks: [
    {
      id: 'web',
      label: L('Website', '官网'),
      entity: 'lead',
      channel: 'website',
      auth: { scheme: 'hmac-sha256', secret: 'webHook' },
      mapping: [
        { from: '/contact/name', to: 'name', transform: 'trim', required: true },
        { from: '/contact/phone', to: 'mobile', transform: 'phone' },
        { from: '/contact/email', to: 'email', transform: ['trim', 'lower'] },
      ],
      defaults: { source: 'website' },
      idempotencyKey: { pointer: '/submissionId' },
    },
    {
      id: 'wechat',
      label: L('WeChat', '公众号'),
      entity: 'lead',
      channel: 'wechat',
      auth: { scheme: 'bearer', secret: 'wechatHook' },
      mapping: [{ from: '/nickname', to: 'name' }],
      defaults: { source: 'wechat' },
      idempotencyKey: { header: 'X-Message-Id' },
    },
    {
      id: 'off',
      label: L('Switched off'),
      entity: 'lead',
      channel: 'platform',
      enabled: false,
      auth: { scheme: 'bearer', secret: 'offHook' },
      mapping: [{ from: '/name', to: 'name' }],
    },
  ],
};

let ipCounter = 0;
/** Each test its own client address, so the per-client limit of one test never touches another. */
const freshIp = () => `198.51.100.${++ipCounter}`;

describe('capture hooks', () => {
  let fx: HttpFixture;
  let base: string;
  const secrets: Record<string, string> = {};

  const sign = (secret: string, body: string) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const deliver = async (hook: string, payload: unknown, headers: Record<string, string> = {}) => {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const res = await fetch(`${base}/api/public/capture/cap/${hook}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp(), ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const signed = (payload: unknown, ip = freshIp()) => {
    const body = JSON.stringify(payload);
    return deliver('web', body, { 'x-dougong-signature': sign(secrets.web!, body), 'x-forwarded-for': ip });
  };
  const leads = async () =>
    (
      await sql<{ id: string; name: string; email: string | null; source: string }>`
        select id, f_name as name, f_email as email, f_source as source from app_cap.t_lead
        where deleted_at is null order by created_at, f_name`.execute(fx.database.db)
    ).rows;
  const state = async () =>
    JSON.stringify(
      (
        await sql`select (select count(*)::int from app_cap.t_lead) as leads,
          (select count(*)::int from dougong.record_history) as history,
          (select count(*)::int from dougong.idempotency_keys) as keys,
          (select count(*)::int from dougong.flow_events) as events`.execute(fx.database.db)
      ).rows,
    );

  beforeAll(async () => {
    fx = await createHttpFixture({ flows: { secretKey: 'capture-test-key' }, capture: { rateLimit: 30 } });
    await fx.publish(doc);
    for (const hook of ['web', 'wechat', 'off']) {
      const res = await fx.api('POST', `/api/apps/cap/capture-hooks/${hook}/secret`, {});
      expect(res.status, res.text).toBe(200);
      secrets[hook] = res.body.secret;
    }
    const address = await fx.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => fx?.close());

  it('lists the hooks with their URLs and whether a secret is set', async () => {
    const res = await fx.api('GET', '/api/apps/cap/capture-hooks');
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toEqual({
      id: 'web',
      label: L('Website', '官网'),
      entity: 'lead',
      channel: 'website',
      enabled: true,
      url: '/api/public/capture/cap/web',
      auth: { scheme: 'hmac-sha256', secret: 'webHook', secretSet: true, header: 'x-dougong-signature' },
    });
    expect(secrets.web).toMatch(/^chs_[A-Za-z0-9_-]{43}$/);
  });

  it('creates one record for a delivery sent twice, attributed to the hook in its history', async () => {
    const payload = {
      submissionId: 'sub-1',
      contact: { name: ' 张伟 ', phone: '+86 138 0013 8000', email: 'ZW@Example.cn' },
    };
    const first = await signed(payload);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), created: true });
    const again = await signed(payload);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, created: false, duplicateOf: first.body.id });
    expect(await leads()).toEqual([
      { id: first.body.id, name: '张伟', email: 'zw@example.cn', source: 'website' },
    ]);

    const record = await fx.api('GET', `/api/apps/cap/entities/lead/records/${first.body.id}`);
    expect(record.body).toMatchObject({ name: '张伟', mobile: '13800138000', createdBy: null });
    const history = await fx.api('GET', `/api/apps/cap/entities/lead/records/${first.body.id}/history`);
    expect(history.status).toBe(200);
    const entries = history.body.items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'create',
      actor: null,
      source: {
        kind: 'capture',
        hook: 'web',
        channel: 'website',
        key: 'sub-1',
        receivedAt: fx.clock.now().toISOString(),
      },
    });
    // The write path ran the flows' record trigger: the event is in the outbox.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.flow_events
      where app_key = 'cap' and kind = 'created' and record_id = ${first.body.id}`.execute(fx.database.db);
    expect(rows[0]!.n).toBe(1);
  });

  it('creates one record for concurrent deliveries with the same key', async () => {
    const payload = { submissionId: 'sub-race', contact: { name: 'Race', email: 'race@example.cn' } };
    const results = await Promise.all([1, 2, 3, 4].map(() => signed(payload)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await leads()).filter((l) => l.name === 'Race')).toHaveLength(1);
  });

  it('refuses a wrong or missing signature with a 401 and writes nothing', async () => {
    const before = await state();
    const body = JSON.stringify({ submissionId: 'sub-x', contact: { name: 'Mallory' } });
    for (const headers of [
      { 'x-dougong-signature': sign('not the secret', body) },
      { 'x-dougong-signature': sign(secrets.web!, `${body} `) },
      { 'x-dougong-signature': 'sha256=' },
      {},
      { authorization: `Bearer ${secrets.web}` },
    ]) {
      const res = await deliver('web', body, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
    expect(await state()).toBe(before);
  });

  it('takes a bearer token and a header idempotency key', async () => {
    const send = (token: string, id: string) =>
      deliver('wechat', { nickname: '小李' }, { authorization: `Bearer ${token}`, 'x-message-id': id });
    const before = await state();
    expect((await send('wrong', 'm-1')).status).toBe(401);
    expect(await state()).toBe(before);
    const created = await send(secrets.wechat!, 'm-1');
    expect(created.status).toBe(201);
    expect((await send(secrets.wechat!, 'm-1')).body.duplicateOf).toBe(created.body.id);
    // The same key on another hook is another delivery.
    const other = await signed({ submissionId: 'm-1', contact: { name: 'Other hook' } });
    expect(other.status).toBe(201);
    expect((await leads()).filter((l) => l.source === 'wechat')).toEqual([
      { id: created.body.id, name: '小李', email: null, source: 'wechat' },
    ]);
  });

  it('names the payload path of a bad value, and writes nothing', async () => {
    const before = await state();
    const cases: Array<[unknown, number, string, string]> = [
      [
        { submissionId: 's-2', contact: { name: 'A', phone: '12345' } },
        400,
        '/contact/phone',
        'is not a phone number',
      ],
      [{ submissionId: 's-3', contact: { phone: '13800138000' } }, 400, '/contact/name', 'is required'],
      [
        { submissionId: 's-4', contact: { name: 'Much longer than twenty characters' } },
        400,
        '/contact/name',
        'field "name"',
      ],
      [
        { submissionId: 's-5', contact: { name: 'B', email: 'not-an-email' } },
        400,
        '/contact/email',
        'field "email"',
      ],
      [{ contact: { name: 'No key' } }, 400, '/submissionId', 'idempotency key'],
      [
        { submissionId: 's-6', contact: { name: 'Taken', email: 'ZW@example.cn' } },
        409,
        '/contact/email',
        'already used',
      ],
    ];
    for (const [payload, status, path, message] of cases) {
      const res = await signed(payload);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.details[0].path).toBe(path);
      expect(res.body.error.details[0].message).toContain(message);
    }
    const broken = '{"submissionId": "s-7", "contact": ';
    const res = await deliver('web', broken, { 'x-dougong-signature': sign(secrets.web!, broken) });
    expect(res.status).toBe(400);
    expect(await state()).toBe(before);
    // A failed delivery claimed no key: the same key with a good payload goes through.
    const fixed = await signed({ submissionId: 's-2', contact: { name: 'A', phone: '13900139000' } });
    expect(fixed.status).toBe(201);
  });

  it('answers 404 for a disabled or unknown hook or app', async () => {
    for (const path of ['cap/off', 'cap/nope', 'nope/web', 'cap/Bad-Id']) {
      const res = await fetch(`${base}/api/public/capture/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.off}` },
        body: JSON.stringify({ name: 'x' }),
      });
      expect(res.status, path).toBe(404);
    }
  });

  it('limits deliveries per hook and client', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1)
      statuses.push(
        (await deliver('web', '{}', { 'x-forwarded-for': ip, 'x-dougong-signature': 'sha256=00' })).status,
      );
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('previews the draft’s mapping on a sample payload without writing', async () => {
    const before = await state();
    const res = await fx.api('POST', '/api/apps/cap/capture-hooks/web/preview', {
      payload: { submissionId: 'p-1', contact: { name: ' Preview ', phone: '021-1234', email: 'a@b.cn' } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      ok: false,
      entity: 'lead',
      values: { name: 'Preview', email: 'a@b.cn', source: 'website' },
      idempotencyKey: 'p-1',
      issues: [{ path: '/contact/phone', message: 'is not a phone number' }],
    });
    const good = await fx.api('POST', '/api/apps/cap/capture-hooks/wechat/preview', {
      payload: { nickname: 'N' },
      headers: { 'X-Message-Id': 'h-1' },
    });
    expect(good.body).toMatchObject({
      ok: true,
      values: { name: 'N', source: 'wechat' },
      idempotencyKey: 'h-1',
    });
    expect((await fx.api('POST', '/api/apps/cap/capture-hooks/nope/preview', { payload: {} })).status).toBe(
      404,
    );
    expect((await fx.api('POST', '/api/apps/cap/capture-hooks/web/preview', {})).status).toBe(400);
    expect(await state()).toBe(before);
  });

  it('keeps the preview and secrets to designers', async () => {
    const user = await fx.api('POST', '/api/users', { login: 'rep', name: 'Rep', password: 'Passw0rd!x' });
    expect(user.status).toBe(201);
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'rep', password: 'Passw0rd!x' }),
    });
    const headers = {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': JSON.parse(login.body).csrfToken,
    };
    for (const [method, url] of [
      ['POST', '/api/apps/cap/capture-hooks/web/preview'],
      ['POST', '/api/apps/cap/capture-hooks/web/secret'],
      ['GET', '/api/apps/cap/capture-hooks'],
    ] as const) {
      const res = await fx.api(method, url, method === 'POST' ? { payload: {} } : undefined, headers);
      expect(res.status, url).toBe(403);
    }
    // The secret did not change: the old one still signs.
    expect((await signed({ submissionId: 'after-403', contact: { name: 'Still' } })).status).toBe(201);
  });
});
