import type { AppDocument, Flow } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';
import { type HttpSink, type SmtpSink, startHttpSink, startSmtpSink } from './support/sinks.js';

const L = (en: string) => ({ en });

function app(flows: Flow[]): AppDocument {
  return {
    schemaVersion: 1,
    key: 'crm',
    label: L('CRM'),
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: L('Lead'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('Name'), required: true },
          { id: 'email', key: 'email', type: 'email', label: L('Email') },
          { id: 'ext', key: 'ext', type: 'text', label: L('External id'), unique: true },
        ],
      },
    ],
    flows,
  } as AppDocument;
}

describe('flows over HTTP: SMTP and HTTP sinks, webhooks, runs API', () => {
  let fx: HttpFixture;
  let smtp: SmtpSink;
  let sink: HttpSink;
  let flows: Flow[];
  let restarted: Awaited<ReturnType<typeof import('../src/index.js').buildServer>> | undefined;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    sink = await startHttpSink();
    fx = await createHttpFixture({
      flows: {
        secretKey: 'test-key',
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'crm@example.cn' },
        http: { allowHosts: ['erp.example.com'], allowPrivate: [`127.0.0.1:${sink.port}`] },
        webhookRateLimit: 25,
      },
    });
    flows = [
      {
        id: 'welcome',
        key: 'welcome',
        label: L('Welcome'),
        trigger: { kind: 'recordCreated', entity: 'lead' },
        start: 'mail',
        nodes: [
          {
            id: 'mail',
            kind: 'sendEmail',
            to: { var: 'record.email' },
            subject: '欢迎 {{record.name}}',
            body: '<p>{{record.name}}</p>',
            next: 'erp',
          },
          {
            id: 'erp',
            kind: 'httpRequest',
            method: 'POST',
            url: `${sink.url}/leads`,
            headers: { 'X-Token': { secret: 'erp' } },
            body: { name: '{{record.name}}' },
            responseMap: { erpId: '/id' },
          },
        ],
      },
      {
        id: 'hook',
        key: 'hook',
        label: L('Inbound'),
        trigger: { kind: 'webhook' },
        start: 'mk',
        nodes: [
          {
            id: 'mk',
            kind: 'createRecord',
            entity: 'lead',
            values: { name: { var: 'trigger.body.name' }, ext: { var: 'trigger.body.id' } },
          },
        ],
      },
      {
        id: 'man',
        key: 'man',
        label: L('Manual'),
        trigger: { kind: 'manual', entity: 'lead' },
        start: 'e',
        nodes: [{ id: 'e', kind: 'end' }],
      },
    ];
    await fx.publish(app(flows));
    expect((await fx.api('PUT', '/api/apps/crm/flow-secrets/erp', { value: 'tok-123' })).status).toBe(200);
  });
  afterAll(async () => {
    if (restarted) await restarted.close();
    else await fx?.app.close();
    await fx?.database.close();
    await smtp?.close();
    await sink?.close();
  });

  it('a record created over the API sends one e-mail to the SMTP sink and one call to the HTTP sink', async () => {
    const created = await fx.api('POST', '/api/apps/crm/entities/lead/records', {
      name: '李娜',
      email: 'ln@example.cn',
    });
    expect(created.status).toBe(201);
    await fx.app.flows.runtime.runUntilIdle();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['ln@example.cn']);
    expect(sink.requests.filter((r) => r.path === '/leads')).toHaveLength(1);
    expect(sink.requests[0]!.key).toMatch(/:httpRequest$/);
    expect(smtp.messages[0]!.messageId).toContain(':sendEmail@dougong.flows');
    const runs = await fx.api('GET', `/api/apps/crm/flows/runs?flow=welcome&record=${created.body.id}`);
    expect(runs.body.items).toMatchObject([{ status: 'succeeded', path: ['mail', 'erp'] }]);
    const detail = await fx.api('GET', `/api/apps/crm/flows/runs/${runs.body.items[0].id}`);
    expect(detail.body.vars).toEqual({ erpId: 'R-1' });
    expect(detail.body.steps.map((s: { attempts: number }) => s.attempts)).toEqual([1, 1]);
    // The secret is write-only.
    expect((await fx.api('GET', '/api/apps/crm/flow-secrets')).body).toEqual({ names: ['erp'] });
    expect(JSON.stringify(detail.body)).not.toContain('tok-123');
  });

  it('test mode returns the path and captured effects, performing none', async () => {
    const lead = await fx.api('POST', '/api/apps/crm/entities/lead/records', {
      name: '测试',
      email: 't@example.cn',
    });
    await fx.app.flows.runtime.runUntilIdle();
    const mails = smtp.messages.length;
    const res = await fx.api('POST', '/api/apps/crm/flows/welcome/test', { recordId: lead.body.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      path: ['mail', 'erp'],
      effects: [{ kind: 'sendEmail', subject: '欢迎 测试' }, { kind: 'httpRequest' }],
    });
    expect(smtp.messages.length).toBe(mails);
  });

  it('webhook replay: the same delivery 20 times concurrently and 5 more after a restart make one record and one run', async () => {
    const hook = await fx.api('POST', '/api/apps/crm/flows/hook/webhook', {});
    expect(hook.status).toBe(200);
    const deliver = (app = fx.app) =>
      app.inject({
        method: 'POST',
        url: hook.body.url,
        headers: {
          'content-type': 'application/json',
          'x-dougong-webhook-secret': hook.body.secret,
          'idempotency-key': 'delivery-42',
        },
        payload: JSON.stringify({ id: 'EXT-42', name: '外部线索' }),
      });
    const first = await Promise.all(Array.from({ length: 20 }, () => deliver()));
    expect(first.map((r) => r.statusCode).sort()).toEqual([...Array(19).fill(200), 202].sort());
    expect(new Set(first.map((r) => JSON.parse(r.body).runId)).size).toBe(1);
    await fx.app.flows.runtime.runUntilIdle();
    // Restart: a new server over the same database.
    await fx.app.close();
    const { buildServer } = await import('../src/index.js');
    const again = await buildServer({ database: fx.database, now: fx.clock.now, metadataPollMs: 0 });
    restarted = again;
    const later = await Promise.all(Array.from({ length: 5 }, () => deliver(again)));
    expect(later.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    await again.flows.runtime.runUntilIdle();
    const rows = await fx.tableRows('crm', 'lead');
    expect(rows.filter((r) => r.f_ext === 'EXT-42')).toHaveLength(1);
    const { rows: runs } = await (await import('kysely')).sql<{
      n: number;
    }>`select count(*)::int as n from dougong.flow_runs where flow_id = 'hook'`.execute(fx.database.db);
    expect(runs[0]!.n).toBe(1);
    // Wrong secret: 404 and nothing started.
    const wrong = await again.inject({
      method: 'POST',
      url: hook.body.url,
      headers: { 'content-type': 'application/json', 'x-dougong-webhook-secret': 'nope' },
      payload: '{}',
    });
    expect(wrong.statusCode).toBe(404);
    (fx as { app: typeof again }).app = again;
  });

  it('webhooks are rate limited per hook and client; refused deliveries start nothing', async () => {
    const fresh = await (await import('../src/index.js')).buildServer({
      database: fx.database,
      now: fx.clock.now,
      metadataPollMs: 0,
      flows: { webhookRateLimit: 3 },
    });
    const send = () =>
      fresh.inject({
        method: 'POST',
        url: '/api/public/flow-hooks/nosuchhook0000',
        headers: { 'content-type': 'application/json', 'x-dougong-webhook-secret': 'x' },
        payload: '{}',
      });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await send()).statusCode);
    expect(codes).toEqual([404, 404, 404, 429, 429]);
    await fresh.close();
  });

  it('the runs API needs editMetadata; manual start checks the record is readable', async () => {
    const anon = await fx.app.inject({ method: 'GET', url: '/api/apps/crm/flows/runs' });
    expect(anon.statusCode).toBe(401);
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'admin', password: 'Fixture-admin-2026' }),
    });
    const headers = {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': JSON.parse(login.body).csrfToken,
      'content-type': 'application/json',
    };
    const lead = await fx.app.inject({
      method: 'POST',
      url: '/api/apps/crm/entities/lead/records',
      headers,
      payload: JSON.stringify({ name: 'm' }),
    });
    const start = await fx.app.inject({
      method: 'POST',
      url: '/api/apps/crm/flows/man/start',
      headers,
      payload: JSON.stringify({ recordIds: [JSON.parse(lead.body).id] }),
    });
    expect(start.statusCode, start.body).toBe(200);
    const missing = await fx.app.inject({
      method: 'POST',
      url: '/api/apps/crm/flows/man/start',
      headers,
      payload: JSON.stringify({ recordIds: ['00000000-0000-4000-8000-000000000000'] }),
    });
    expect(missing.statusCode).toBe(404);
  });
});
