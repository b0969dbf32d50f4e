import type { AppDocument, Flow } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';
import { type SmtpSink, startSmtpSink } from './support/sinks.js';

const L = (en: string) => ({ en });

const BODY =
  '<p><a href="https://example.cn/pricing?a=1&b=2" data-track="pricing">Prices</a> ' +
  '<a href="https://example.cn/about">About <b>us</b></a> <a href="mailto:sales@example.cn">Mail</a></p>';

const flows: Flow[] = [
  {
    id: 'on_signup',
    key: 'onSignup',
    label: L('On sign-up'),
    trigger: { kind: 'formSubmitted', form: 'signup' },
    start: 'mail',
    nodes: [
      {
        id: 'mail',
        kind: 'sendEmail',
        to: { var: 'record.email' },
        subject: 'Welcome',
        body: BODY,
        trackLinks: true,
      },
    ],
  },
  {
    id: 'on_pricing',
    key: 'onPricing',
    label: L('Clicked pricing'),
    trigger: { kind: 'linkClicked', label: 'pricing' },
    start: 'mark',
    nodes: [
      {
        id: 'mark',
        kind: 'updateRecord',
        entity: 'lead',
        values: { status: { cat: ['clicked ', { var: 'trigger.label' }] } },
      },
    ],
  },
  {
    id: 'any_click',
    key: 'anyClick',
    label: L('Any click'),
    trigger: { kind: 'linkClicked' },
    start: 'e',
    nodes: [{ id: 'e', kind: 'end' }],
  },
];

const doc = {
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
        { id: 'status', key: 'status', type: 'text', label: L('Status') },
      ],
    },
  ],
  forms: [
    {
      id: 'signup',
      entity: 'lead',
      label: L('Sign-up'),
      kind: 'public',
      layout: [
        {
          id: 'main',
          kind: 'section',
          columns: 1,
          children: [
            { id: 'f_name', kind: 'field', fieldId: 'name' },
            { id: 'f_email', kind: 'field', fieldId: 'email' },
          ],
        },
      ],
      public: { title: L('Sign up'), thankYou: L('Thanks') },
    },
  ],
  flows,
} as AppDocument;

/** Decodes a quoted-printable MIME body. */
const unQp = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

let ip = 0;
const anon = (fx: HttpFixture, method: 'GET' | 'POST', url: string, body?: unknown) =>
  fx.app.inject({
    method,
    url,
    headers: {
      'x-forwarded-for': `198.51.100.${++ip}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

describe('flows from public forms and tracked e-mail links', () => {
  let fx: HttpFixture;
  let smtp: SmtpSink;
  let links: string[] = [];
  let leadId = '';

  beforeAll(async () => {
    smtp = await startSmtpSink();
    fx = await createHttpFixture({
      flows: {
        secretKey: 'test-key',
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'crm@example.cn' },
        publicUrl: 'https://crm.example.cn/',
        linkRateLimit: 5,
      },
    });
    await fx.publish(doc);
  });
  afterAll(async () => {
    await fx?.app.close();
    await fx?.database.close();
    await smtp?.close();
  });

  const events = async () =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from dougong.flow_events`.execute(fx.database.db))
        .rows[0]!.n,
    );

  it('a public form submission starts the form’s flow, whose e-mail carries signed tracking links', async () => {
    const res = await anon(fx, 'POST', '/api/public/forms/crm/signup/submissions', {
      values: { name: 'Li Na', email: 'ln@example.cn' },
    });
    expect(res.statusCode, res.body).toBe(201);
    await fx.app.flows.runtime.runUntilIdle();
    const runs = await fx.api('GET', '/api/apps/crm/flows/runs?flow=onSignup');
    expect(runs.body.items).toMatchObject([{ status: 'succeeded', path: ['mail'] }]);
    leadId = runs.body.items[0].recordId;
    expect(leadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(smtp.messages).toHaveLength(1);
    const html = unQp(smtp.messages[0]!.raw);
    links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(links).toHaveLength(3);
    expect(links[0]).toMatch(/^https:\/\/crm\.example\.cn\/api\/public\/t\/[\w-]+\.[\w-]+$/);
    expect(links[1]).toMatch(/^https:\/\/crm\.example\.cn\/api\/public\/t\//);
    expect(links[2]).toBe('mailto:sales@example.cn');
    expect(html).not.toContain('https://example.cn/pricing');
    // A record created by the API (not the form) starts no form flow.
    await fx.api('POST', '/api/apps/crm/entities/lead/records', {
      name: 'Back office',
      email: 'b@example.cn',
    });
    await fx.app.flows.runtime.runUntilIdle();
    expect((await fx.api('GET', '/api/apps/crm/flows/runs?flow=onSignup')).body.items).toHaveLength(1);
  });

  it('a click redirects to the signed URL and starts the link flows (filtered by label)', async () => {
    const path = (href: string) => href.replace('https://crm.example.cn', '');
    const pricing = await anon(fx, 'GET', path(links[0]!));
    expect(pricing.statusCode).toBe(302);
    expect(pricing.headers.location).toBe('https://example.cn/pricing?a=1&b=2');
    const about = await anon(fx, 'GET', path(links[1]!));
    expect(about.headers.location).toBe('https://example.cn/about');
    await fx.app.flows.runtime.runUntilIdle();
    const onPricing = (await fx.api('GET', '/api/apps/crm/flows/runs?flow=onPricing')).body.items;
    expect(onPricing).toMatchObject([{ status: 'succeeded', recordId: leadId }]);
    const detail = await fx.api('GET', `/api/apps/crm/flows/runs/${onPricing[0].id}`);
    expect(detail.body.trigger).toMatchObject({
      kind: 'linkClicked',
      label: 'pricing',
      url: 'https://example.cn/pricing?a=1&b=2',
    });
    expect((await fx.api('GET', '/api/apps/crm/flows/runs?flow=anyClick')).body.items).toHaveLength(2);
    const lead = await fx.api('GET', `/api/apps/crm/entities/lead/records/${leadId}`);
    expect(lead.body.status).toBe('clicked pricing');
  });

  it('refuses tampered and foreign tokens (no open redirect) and leaves the outbox unchanged', async () => {
    const token = links[0]!.split('/t/')[1]!;
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify(['crm', 'x', null, null, 'https://evil.example/', 'pricing']),
    ).toString('base64url');
    const before = await events();
    for (const bad of [
      `${forged}.${mac}`,
      `${payload}.${mac.slice(0, -2)}AA`,
      payload,
      'nothing',
      `${payload}x.${mac}`,
    ]) {
      const res = await anon(fx, 'GET', `/api/public/t/${bad}`);
      expect(res.statusCode, bad).toBe(404);
      expect(res.headers.location).toBeUndefined();
    }
    expect(await events()).toBe(before);
  });

  it('rate limits clicks per client', async () => {
    const path = links[1]!.replace('https://crm.example.cn', '');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fx.app.inject({
        method: 'GET',
        url: path,
        headers: { 'x-forwarded-for': '192.0.2.77' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([302, 302, 302, 302, 302, 429]);
  });
});
