import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTypesApp } from '../../schema/test/fixtures.js';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const ORDERS = '/api/apps/demo/entities/order/records';
const MISSING = '3f2b1c0a-3c1a-4d6e-9a43-7b9d2f1c0a11';
const q = (value: unknown) => encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `:id` is replaced by an existing order's id. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** A path the details must name (omitted: any path). */
  path?: string;
}

const post = (name: string, body: unknown, path: string, code = 'VALIDATION_FAILED', status = 400): Case => ({
  name,
  method: 'POST',
  url: ORDERS,
  body,
  status,
  code,
  path,
});
const list = (name: string, query: string, code: string, path: string): Case => ({
  name,
  method: 'GET',
  url: `${ORDERS}?${query}`,
  status: 400,
  code,
  path,
});

const CASES: Case[] = [
  // Wrong types and unknown keys.
  post('text as a number', { title: 5 }, '/title'),
  post('integer as text', { title: 't', count: 'abc' }, '/count'),
  post('integer with a fraction', { title: 't', count: 1.5 }, '/count'),
  post('decimal with too many places', { title: 't', amount: '1.234' }, '/amount'),
  post('boolean as text', { title: 't', paid: 'yes' }, '/paid'),
  post('impossible date', { title: 't', due: '2026-02-30' }, '/due'),
  post('datetime without zone', { title: 't', signedAt: '2026-03-01T09:30:00' }, '/signedAt'),
  post('unknown option', { title: 't', stage: 'lost' }, '/stage'),
  post('multi select as a string', { title: 't', tags: 'vip' }, '/tags'),
  post('bad email', { title: 't', email: 'a@' }, '/email'),
  post('bad reference id', { title: 't', account: 'x' }, '/account'),
  post('missing reference', { title: 't', account: MISSING }, '/account', 'REFERENCE_NOT_FOUND', 422),
  post('bad sub-table row', { title: 't', lines: [{ qty: 0 }] }, '/lines/0/product'),
  post('sub-table row with a bad value', { title: 't', lines: [{ product: 'p', qty: 0 }] }, '/lines/0/qty'),
  post('missing required field', { notes: 'n' }, '/title'),
  post('text too long', { title: 'x'.repeat(101) }, '/title'),
  post('unknown field', { title: 't', bogus: 1 }, '/bogus'),
  post('system field', { title: 't', createdAt: '2026-01-01T00:00:00Z' }, '/createdAt'),
  post('computed field', { title: 't', no: 'HT-1' }, '/no'),
  post('array body', [{ title: 't' }], '/'),
  post('null body', 'null', '/'),
  post('NUL byte', { title: 'a\u0000b' }, '/title'),
  post('NUL byte in a key', { title: 't', 'a\u0000': 1 }, '/a\u0000'),
  post('lone surrogate (raw JSON)', '{"title":"a\\ud800b"}', '/title'),
  post('10,000-deep JSON', `{"title":"t","notes":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, '/notes'),
  post('__proto__ payload', '{"title":"t","__proto__":{"admin":true}}', '', 'BAD_REQUEST'),
  post(
    'constructor.prototype payload',
    '{"title":"t","constructor":{"prototype":{"x":1}}}',
    '',
    'BAD_REQUEST',
  ),
  post('invalid JSON', '{"title":', '', 'BAD_REQUEST'),
  {
    name: '2 MB string',
    method: 'POST',
    url: ORDERS,
    body: { title: 't', notes: 'x'.repeat(2 * 1024 * 1024) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    path: '',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    url: ORDERS,
    body: 'title=t',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    path: '/headers/content-type',
  },
  {
    name: 'empty JSON body',
    method: 'POST',
    url: ORDERS,
    body: '',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'BAD_REQUEST',
    path: '',
  },
  // Updates.
  {
    name: 'PATCH without version',
    method: 'PATCH',
    url: `${ORDERS}/:id`,
    body: { title: 'u' },
    status: 400,
    code: 'VALIDATION_FAILED',
    path: '/version',
  },
  {
    name: 'PATCH with a stale version',
    method: 'PATCH',
    url: `${ORDERS}/:id`,
    body: { title: 'u', version: 7 },
    status: 409,
    code: 'VERSION_CONFLICT',
    path: '/version',
  },
  {
    name: 'PATCH with a bad If-Match',
    method: 'PATCH',
    url: `${ORDERS}/:id`,
    body: { title: 'u' },
    headers: { 'if-match': 'abc' },
    status: 400,
    code: 'BAD_REQUEST',
    path: '/headers/if-match',
  },
  {
    name: 'PATCH with a wrong type',
    method: 'PATCH',
    url: `${ORDERS}/:id`,
    body: { count: '1e3', version: 1 },
    status: 400,
    code: 'VALIDATION_FAILED',
    path: '/count',
  },
  {
    name: 'PATCH clearing a required field',
    method: 'PATCH',
    url: `${ORDERS}/:id`,
    body: { title: null, version: 1 },
    status: 400,
    code: 'VALIDATION_FAILED',
    path: '/title',
  },
  {
    name: 'DELETE with a stale If-Match',
    method: 'DELETE',
    url: `${ORDERS}/:id`,
    headers: { 'if-match': '"9"' },
    status: 409,
    code: 'VERSION_CONFLICT',
    path: '/version',
  },
  {
    name: 'restore of a live record',
    method: 'POST',
    url: `${ORDERS}/:id/restore`,
    status: 409,
    code: 'CONFLICT',
  },
  // SQL and garbage in list parameters.
  list(
    'SQL as a filter operator',
    `filter=${q({ '; drop table x;--': [1, 1] })}`,
    'INVALID_FILTER',
    '/filter',
  ),
  list(
    'SQL as a filter key',
    `filter=${q({ '==': [{ var: 'title; drop table x' }, 'a'] })}`,
    'INVALID_FILTER',
    '/filter',
  ),
  list(
    'filter on a system column name',
    `filter=${q({ '==': [{ var: 'f_title' }, 'a'] })}`,
    'INVALID_FILTER',
    '/filter',
  ),
  list('filter that is not JSON', 'filter=%7Bnope', 'INVALID_FILTER', '/filter'),
  list('SQL in sort', `sort=${q('title;drop table x')}`, 'INVALID_SORT', '/sort/0'),
  list('SQL in a second sort key', `sort=${q('title,-"id"--')}`, 'INVALID_SORT', '/sort/1'),
  list('sort on a physical column', 'sort=f_title', 'INVALID_SORT', '/sort/0'),
  list('sort on an unsortable field', 'sort=notes', 'INVALID_SORT', '/sort/0'),
  list('SQL in expand', `expand=${q('account;drop table x')}`, 'BAD_REQUEST', '/expand/0'),
  list('expand of a non-reference', 'expand=title', 'BAD_REQUEST', '/expand/0'),
  list('garbage cursor', `cursor=${q("'; drop table x;--")}`, 'INVALID_CURSOR', '/cursor'),
  list(
    'cursor with SQL as the id',
    `cursor=${cursor(['x', "1'; drop table x;--"])}`,
    'INVALID_CURSOR',
    '/cursor',
  ),
  list('cursor of another sort', `sort=title&cursor=${cursor([1, 2, MISSING])}`, 'INVALID_CURSOR', '/cursor'),
  list(
    'cursor value not of the column type',
    `sort=count&cursor=${cursor(['1; drop table x', MISSING])}`,
    'INVALID_CURSOR',
    '/cursor',
  ),
  list(
    'cursor date not of the column type',
    `sort=due&cursor=${cursor(['2026-13-45', MISSING])}`,
    'INVALID_CURSOR',
    '/cursor',
  ),
  list('NUL in a search term', 'q=a%00b', 'BAD_REQUEST', '/q'),
  list(
    'NUL in a filter value',
    `filter=${q({ '==': [{ var: 'title' }, 'a\u0000'] })}`,
    'INVALID_FILTER',
    '/filter',
  ),
  list(
    'NUL in a cursor value',
    `sort=title&cursor=${cursor(['a\u0000', MISSING])}`,
    'INVALID_CURSOR',
    '/cursor',
  ),
  list('limit 0', 'limit=0', 'VALIDATION_FAILED', '/querystring/limit'),
  list('limit 501', 'limit=501', 'VALIDATION_FAILED', '/querystring/limit'),
  list('limit not a number', 'limit=ten', 'VALIDATION_FAILED', '/querystring/limit'),
  list('unknown query parameter', 'where=1', 'VALIDATION_FAILED', '/querystring/where'),
  list('bad count mode', 'count=all', 'VALIDATION_FAILED', '/querystring/count'),
  list('search term too long', `q=${'x'.repeat(201)}`, 'VALIDATION_FAILED', '/querystring/q'),
  // Unknown things are 404.
  ...['GET', 'PATCH', 'DELETE'].map(
    (method): Case => ({
      name: `${method} with a bad UUID`,
      method: method as Case['method'],
      url: `${ORDERS}/not-a-uuid`,
      body: method === 'PATCH' ? { title: 'u', version: 1 } : undefined,
      status: 404,
      code: 'NOT_FOUND',
    }),
  ),
  {
    name: 'history of a bad UUID',
    method: 'GET',
    url: `${ORDERS}/${MISSING.slice(0, 35)}z/history`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'restore of a missing record',
    method: 'POST',
    url: `${ORDERS}/${MISSING}/restore`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'GET of a missing record',
    method: 'GET',
    url: `${ORDERS}/${MISSING}`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'bad app key',
    method: 'GET',
    url: '/api/apps/Demo;drop/entities/order/records',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'unknown app',
    method: 'POST',
    url: '/api/apps/nope/entities/order/records',
    body: { title: 't' },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'unknown entity',
    method: 'GET',
    url: '/api/apps/demo/entities/nope/records',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'child entity',
    method: 'POST',
    url: '/api/apps/demo/entities/orderLine/records',
    body: { product: 'p' },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'SQL as an entity key',
    method: 'GET',
    url: `/api/apps/demo/entities/${q('order;drop table x')}/records`,
    status: 404,
    code: 'NOT_FOUND',
  },
  // Metadata.
  {
    name: 'invalid draft',
    method: 'PUT',
    url: '/api/apps/demo/draft',
    body: { ...allTypesApp(), entities: [{ id: 'Bad Id', key: 'x', label: { 'zh-CN': 'x' }, fields: [] }] },
    status: 400,
    code: 'VALIDATION_FAILED',
    path: '/entities/0/id',
  },
  {
    name: 'draft with an unknown field type',
    method: 'PUT',
    url: '/api/apps/demo/draft',
    body: {
      ...allTypesApp(),
      entities: [
        {
          ...allTypesApp().entities[0]!,
          fields: [{ id: 'a', key: 'a', type: 'blob', label: { 'zh-CN': 'a' } }],
        },
      ],
    },
    status: 400,
    code: 'VALIDATION_FAILED',
    path: '/entities/0/fields/0/type',
  },
  {
    name: 'draft for another key',
    method: 'PUT',
    url: '/api/apps/other/draft',
    body: allTypesApp(),
    status: 400,
    code: 'VALIDATION_FAILED',
    path: '/key',
  },
  {
    name: 'draft with a stale If-Match',
    method: 'PUT',
    url: '/api/apps/demo/draft',
    body: allTypesApp(),
    headers: { 'if-match': '"99"' },
    status: 409,
    code: 'DRAFT_CONFLICT',
    path: '/revision',
  },
  {
    name: 'draft that is not JSON',
    method: 'PUT',
    url: '/api/apps/demo/draft',
    body: '<app/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'publish with unknown options',
    method: 'POST',
    url: '/api/apps/demo/publish',
    body: { force: true },
    status: 400,
    code: 'VALIDATION_FAILED',
    path: '/body/force',
  },
  ...['null', '[]', '"app"', '{}', `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`].map(
    (body): Case => ({
      name: `draft body ${body.slice(0, 12)}`,
      method: 'PUT',
      url: '/api/apps/demo/draft',
      body,
      status: 400,
      code: 'VALIDATION_FAILED',
    }),
  ),
  {
    name: 'plan of an unknown app',
    method: 'POST',
    url: '/api/apps/nope/plan',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'versions of a bad key',
    method: 'GET',
    url: '/api/apps/A/versions',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'publish of an unknown app',
    method: 'POST',
    url: '/api/apps/nope/publish',
    status: 404,
    code: 'NOT_FOUND',
  },
];

describe('invalid requests are refused with a path and write nothing', () => {
  let fx: HttpFixture;
  let id: string;
  let before: string;

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(allTypesApp());
    const res = await fx.api('POST', ORDERS, { title: 'kept', count: 1 });
    expect(res.status, res.text).toBe(201);
    id = res.body.id;
    before = await fx.fingerprint('demo');
  });
  afterAll(async () => fx?.close());

  it.each(CASES)('$name → $status $code', async (c) => {
    const res = await fx.api(c.method, c.url.replace(':id', id), c.body, c.headers);
    expect(res.status, res.text).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe(c.code);
    expect(typeof res.body.error.message).toBe('string');
    expect(Array.isArray(res.body.error.details)).toBe(true);
    if (c.path !== undefined) {
      // The path named, or one inside it (a filter error points into the filter).
      const paths: string[] = res.body.error.details.map((d: { path: string }) => d.path);
      expect(
        paths.some((p) => p === c.path || p.startsWith(`${c.path}/`)),
        paths.join(),
      ).toBe(true);
    }
    expect(await fx.fingerprint('demo')).toBe(before);
  });

  it('the record is unchanged after all of the above', async () => {
    const res = await fx.api('GET', `${ORDERS}/${id}`);
    expect(res.body).toMatchObject({ title: 'kept', count: 1, version: 1 });
  });
});
