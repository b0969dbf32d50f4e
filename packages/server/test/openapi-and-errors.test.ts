import { createAjv } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTypesApp } from '../../schema/test/fixtures.js';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const ORDERS = '/api/apps/demo/entities/order/records';
const MISSING = '3f2b1c0a-3c1a-4d6e-9a43-7b9d2f1c0a11';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

describe('OpenAPI, security headers and error payloads', () => {
  let fx: HttpFixture;
  let orderId: string;
  let doc: any;

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(allTypesApp());
    const account = await fx.api('POST', '/api/apps/demo/entities/account/records', { name: 'A' });
    const full = await fx.api('POST', ORDERS, {
      title: 'full',
      notes: 'n',
      count: 2,
      ratio: '1.5',
      amount: '9.99',
      discount: '5',
      paid: true,
      due: '2026-03-01',
      signedAt: '2026-03-01T10:00:00+08:00',
      stage: 'won',
      tags: ['vip'],
      email: 'a@b.cn',
      mobile: '13912345678',
      site: 'https://example.cn/',
      account: account.body.id,
      lines: [{ product: 'p', qty: 1 }],
      region: '310104',
    });
    expect(full.status, full.text).toBe(201);
    orderId = full.body.id;
    expect((await fx.api('POST', ORDERS, { title: 'sparse' })).status).toBe(201);
    doc = (await fx.api('GET', '/api/openapi.json')).body;
  });
  afterAll(async () => fx?.close());

  it('reports health with the database kind', async () => {
    const res = await fx.api('GET', '/api/health');
    expect(res.body).toEqual({ status: 'ok', database: fx.database.kind });
  });

  it('lists the concrete record paths of the published app', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        ORDERS,
        `${ORDERS}/{id}`,
        `${ORDERS}/{id}/restore`,
        `${ORDERS}/{id}/history`,
        '/api/apps/demo/entities/account/records',
      ]),
    );
    expect(Object.keys(doc.paths).some((p) => p.includes('orderLine'))).toBe(false);
    expect(Object.keys(doc.paths[`${ORDERS}/{id}`]).sort()).toEqual(['delete', 'get', 'parameters', 'patch']);
  });

  it('record responses validate against the published record schemas', async () => {
    const ajv = createAjv();
    // The component schemas as one JSON Schema, their refs pointing at $defs.
    const defs = JSON.parse(
      JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', '#/$defs/'),
    );
    const validate = ajv.compile({ $defs: defs, $ref: '#/$defs/demo_order' });
    const page = await fx.api('GET', `${ORDERS}?limit=10`);
    const one = await fx.api('GET', `${ORDERS}/${orderId}`);
    for (const record of [...page.body.items, one.body]) {
      const ok = validate(record);
      expect(ok, JSON.stringify(validate.errors)).toBe(true);
    }
  });

  // URL values may be IRIs: the value schema must accept what the API accepts.
  it('an internationalised URL validates against its record schema', async () => {
    const created = await fx.api('POST', ORDERS, { title: 'iri', site: 'http://例子.中国/' });
    expect(created.status).toBe(201);
    await fx.api('DELETE', `${ORDERS}/${created.body.id}`);
    const defs = JSON.parse(
      JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', '#/$defs/'),
    );
    const validate = createAjv().compile({ $defs: defs, $ref: '#/$defs/demo_order' });
    expect(validate(created.body)).toBe(true);
  });

  it('the docs page is served', async () => {
    const res = await fx.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it.each([
    ['GET', '/api/health'],
    ['GET', ORDERS],
    ['GET', '/api/nope'],
    ['POST', ORDERS],
  ] as const)('%s %s carries the security headers', async (method, url) => {
    const res = await fx.api(method, url, method === 'POST' ? { bogus: 1 } : undefined);
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
  });

  it('over a real socket: health, headers and one error shape', async () => {
    const address = await fx.app.listen({ port: 0, host: '127.0.0.1' });
    const health = await fetch(`${address}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: fx.database.kind });
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(health.headers.get(name)).toBe(value);
    const bad = await fetch(`${address}${ORDERS}`, {
      method: 'POST',
      headers: { ...fx.adminHeaders, 'content-type': 'application/json' },
      body: '{"title":"a\\u0000"}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Some values are invalid.',
        details: [{ path: '/title', message: 'contains a NUL character' }],
      },
    });
  });

  describe('error payloads (pinned)', () => {
    it('unknown route', async () => {
      expect((await fx.api('GET', '/api/nope?x=1')).body).toMatchInlineSnapshot(`
        {
          "error": {
            "code": "NOT_FOUND",
            "details": [],
            "message": "No route GET /api/nope.",
          },
        }
      `);
    });

    it('invalid record', async () => {
      const res = await fx.api('POST', ORDERS, { count: 'x', bogus: true, stage: 'lost' });
      expect(res.body).toMatchInlineSnapshot(`
        {
          "error": {
            "code": "VALIDATION_FAILED",
            "details": [
              {
                "message": "must be a whole number",
                "path": "/count",
              },
              {
                "message": "is not a field of order",
                "path": "/bogus",
              },
              {
                "message": "must be one of the field’s option ids",
                "path": "/stage",
              },
              {
                "message": "is required",
                "path": "/title",
              },
            ],
            "message": "Some values are invalid.",
          },
        }
      `);
    });

    it('version conflict', async () => {
      const res = await fx.api('PATCH', `${ORDERS}/${orderId}`, { title: 'u' }, { 'if-match': '"5"' });
      expect(res.body).toMatchInlineSnapshot(`
        {
          "error": {
            "code": "VERSION_CONFLICT",
            "currentVersion": 1,
            "details": [
              {
                "message": "is 1 now",
                "path": "/version",
              },
            ],
            "message": "The record was changed by someone else.",
          },
        }
      `);
    });

    it('missing record', async () => {
      expect((await fx.api('GET', `${ORDERS}/${MISSING}`)).body).toMatchInlineSnapshot(`
        {
          "error": {
            "code": "NOT_FOUND",
            "details": [],
            "message": "No such record.",
          },
        }
      `);
    });

    it('invalid filter', async () => {
      const filter = encodeURIComponent(
        JSON.stringify({ and: [{ '==': [{ var: 'title' }, 'a'] }, { '==': [{ var: 'nope' }, 1] }] }),
      );
      expect((await fx.api('GET', `${ORDERS}?filter=${filter}`)).body).toMatchInlineSnapshot(`
        {
          "error": {
            "code": "INVALID_FILTER",
            "details": [
              {
                "message": "Unknown field: "nope"",
                "path": "/filter/and/1/==/0/var",
              },
            ],
            "message": "The filter is invalid.",
          },
        }
      `);
    });

    it('body not JSON', async () => {
      expect((await fx.api('POST', ORDERS, '{"title":')).body).toMatchInlineSnapshot(`
        {
          "error": {
            "code": "BAD_REQUEST",
            "details": [
              {
                "message": "is not valid JSON",
                "path": "",
              },
            ],
            "message": "The body is not valid JSON.",
          },
        }
      `);
    });

    it('invalid draft', async () => {
      const draft = {
        ...allTypesApp(),
        label: 5,
        entities: [{ ...allTypesApp().entities[0], titleField: 'nope' }],
      };
      expect((await fx.api('PUT', '/api/apps/demo/draft', draft)).body).toMatchInlineSnapshot(`
        {
          "error": {
            "code": "VALIDATION_FAILED",
            "details": [
              {
                "message": "must be object",
                "path": "/label",
              },
            ],
            "message": "The app document is invalid.",
          },
        }
      `);
    });
  });
});
