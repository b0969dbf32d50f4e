import { guardedRequest, type HttpPolicy } from '@dougong/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpSink, startHttpSink } from './support/sinks.js';

describe('flow HTTP node: SSRF guard', () => {
  let sink: HttpSink;
  let other: HttpSink;
  const open: HttpPolicy = { allowHosts: [], allowPrivate: [] };
  const send = (policy: HttpPolicy, url: string, timeoutMs = 2000) =>
    guardedRequest(policy, { method: 'POST', url, headers: {}, body: { a: 1 }, timeoutMs });

  beforeAll(async () => {
    sink = await startHttpSink();
    other = await startHttpSink();
    sink.routes.set('/to-private', (res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${other.port}/secret` });
      res.end();
    });
    sink.routes.set('/to-metadata', (res) => {
      res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    sink.routes.set('/to-localhost-name', (res) => {
      res.writeHead(302, { location: `http://localhost:${other.port}/secret` });
      res.end();
    });
    sink.routes.set('/big', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: 'x'.repeat(64 * 1024) }));
    });
    sink.routes.set('/slow', () => undefined);
  });
  afterAll(async () => {
    await sink?.close();
    await other?.close();
  });

  it.each([
    ['127.0.0.1', (p: number) => `http://127.0.0.1:${p}/`],
    ['::1', (p: number) => `http://[::1]:${p}/`],
    ['::ffff:127.0.0.1', (p: number) => `http://[::ffff:127.0.0.1]:${p}/`],
    ['0x7f000001', (p: number) => `http://0x7f000001:${p}/`],
    ['2130706433 (decimal)', (p: number) => `http://2130706433:${p}/`],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['10.0.0.1', () => 'http://10.0.0.1/'],
    ['a DNS name resolving to a private address (localhost)', (p: number) => `http://localhost:${p}/`],
  ])('refuses %s', async (_name, url) => {
    const before = sink.requests.length;
    await expect(send(open, url(sink.port))).rejects.toThrow(/refused/);
    expect(sink.requests.length).toBe(before);
  });

  it('refuses redirects to private addresses, even from an allowed private host', async () => {
    const policy: HttpPolicy = { allowHosts: [], allowPrivate: [`127.0.0.1:${sink.port}`] };
    for (const path of ['/to-private', '/to-metadata', '/to-localhost-name'])
      await expect(send(policy, `${sink.url}${path}`)).rejects.toThrow(/refused/);
    expect(other.requests).toHaveLength(0);
  });

  it('calls an allow-listed private host, with the response parsed', async () => {
    const policy: HttpPolicy = { allowHosts: ['erp.example.com'], allowPrivate: [`127.0.0.1:${sink.port}`] };
    await expect(send(policy, `${sink.url}/ok`)).resolves.toMatchObject({ status: 200, body: { ok: true } });
  });

  it('refuses hosts off the allow-list, non-http schemes, credentials in URLs', async () => {
    const policy: HttpPolicy = { allowHosts: ['erp.example.com'], allowPrivate: [] };
    await expect(send(policy, 'https://evil.example.net/')).rejects.toThrow(/allow-list/);
    await expect(send(open, 'file:///etc/passwd')).rejects.toThrow(/scheme/);
    await expect(send(open, 'http://user:pw@example.com/')).rejects.toThrow(/credentials/);
  });

  it('enforces the size limit and the timeout', async () => {
    const policy: HttpPolicy = { allowHosts: [], allowPrivate: [`127.0.0.1:${sink.port}`], maxBytes: 1024 };
    await expect(send(policy, `${sink.url}/big`)).rejects.toThrow(/larger than 1024/);
    await expect(send(policy, `${sink.url}/slow`, 200)).rejects.toThrow(/timed out/);
  });
});
