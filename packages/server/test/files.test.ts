import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, type Client, createAuthFixture } from './support/auth-fixture.js';

const L = (en: string) => ({ en });
const app: AppDocument = {
  schemaVersion: 1,
  key: 'docs',
  label: L('Docs'),
  entities: [
    {
      id: 'deal',
      key: 'deal',
      label: L('Deal'),
      fields: [
        { id: 'title', key: 'title', type: 'text', label: L('Title') },
        { id: 'files', key: 'files', type: 'attachment', label: L('Files') },
      ],
    },
  ],
  roles: [
    {
      key: 'rep',
      label: L('Rep'),
      grants: [{ entity: 'deal', actions: ['create', 'read', 'update'], scope: 'own' }],
    },
  ],
};

describe('attachments', () => {
  let fx: AuthFixture;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(app);
    for (const login of ['alice', 'bob']) {
      const id = await fx.createUser(login);
      await fx.admin.request('PUT', `/api/users/${id}/roles/docs`, { roles: ['rep'] });
    }
    alice = await fx.login('alice', 'Passw0rd!x');
    bob = await fx.login('bob', 'Passw0rd!x');
  });
  afterAll(async () => fx?.close());

  it('stores an upload, attaches it, and serves it only to who may read the record', async () => {
    const response = await fx.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: {
        ...(await sessionHeaders(fx, 'alice')),
        'content-type': 'application/pdf',
        'x-file-name': encodeURIComponent('合同.pdf'),
      },
      payload: Buffer.from('%PDF-1.4 contract'),
    });
    expect(response.statusCode, response.body).toBe(201);
    const file = JSON.parse(response.body);
    expect(file).toMatchObject({ name: '合同.pdf', size: 17, mimeType: 'application/pdf' });
    const deal = await alice.request('POST', '/api/apps/docs/entities/deal/records', {
      title: 'A',
      files: [file],
    });
    expect(deal.status).toBe(201);
    const mine = await alice.request('GET', `/api/files/${file.id}`);
    expect(mine.status).toBe(200);
    expect(mine.headers['content-disposition']).toContain("attachment; filename*=UTF-8''");
    // Bob can neither read Alice's deal nor its file; the administrator can read both.
    expect((await bob.request('GET', `/api/files/${file.id}`)).status).toBe(404);
    expect((await fx.admin.request('GET', `/api/files/${file.id}`)).status).toBe(200);
    const { rows } = await sql<{
      sha256: string;
    }>`select sha256 from dougong.files where id = ${file.id}`.execute(fx.database.db);
    expect(rows[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses empty and oversized uploads and needs sign-in and the CSRF token', async () => {
    const headers = await sessionHeaders(fx, 'bob');
    const empty = await fx.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: '',
    });
    expect(empty.statusCode).toBe(400);
    const big = await fx.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...headers, 'content-type': 'application/zip' },
      payload: Buffer.alloc(21 * 1024 * 1024),
    });
    expect(big.statusCode).toBe(413);
    const anonymous = await fx.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(anonymous.statusCode).toBe(401);
    const noCsrf = await fx.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { cookie: headers.cookie!, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(noCsrf.statusCode).toBe(403);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.files`.execute(
      fx.database.db,
    );
    expect(rows[0]!.n).toBe(1);
  });
});

async function sessionHeaders(fx: AuthFixture, login: string): Promise<Record<string, string>> {
  const response = await fx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username: login, password: 'Passw0rd!x' }),
  });
  return {
    cookie: String(response.headers['set-cookie']).split(';')[0]!,
    'x-csrf-token': JSON.parse(response.body).csrfToken,
  };
}
