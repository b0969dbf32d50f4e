import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DougongError } from '@dougong/schema';
import ipaddr from 'ipaddr.js';

/** Which hosts flows may call. */
export interface HttpPolicy {
  /** Host names (or `*.example.com`) flows may call; an empty list allows every public host. */
  allowHosts: readonly string[];
  /** `host:port` (or host) allowed even though it resolves to a private or loopback address. */
  allowPrivate: readonly string[];
  /** Largest response body read, in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Redirects followed, each checked again (default 3). */
  maxRedirects?: number;
}

/** A guarded response: status and the body (parsed JSON when it is JSON). */
export interface GuardedResponse {
  status: number;
  body: unknown;
}

const refuse = (message: string) => new DougongError('FORBIDDEN', `HTTP request refused: ${message}`);

/** True for addresses flows may not reach: loopback, private, link-local, CGNAT, multicast, reserved… */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.process(address); // ::ffff:127.0.0.1 → 127.0.0.1
  return parsed.range() !== 'unicast';
}

const matches = (host: string, pattern: string) =>
  pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern.toLowerCase();

/**
 * Sends an HTTP request for a flow: http(s) only, allow-listed hosts, every resolved address checked
 * (private, loopback and link-local refused unless allow-listed — also behind DNS names and redirects,
 * and the checked address is the one connected to), a timeout over the whole exchange, a body size limit.
 */
export async function guardedRequest(
  policy: HttpPolicy,
  request: { method: string; url: string; headers: Record<string, string>; body: unknown; timeoutMs: number },
): Promise<GuardedResponse> {
  let url = request.url;
  let method = request.method;
  let body = request.body;
  const deadline = Date.now() + request.timeoutMs;
  for (let hop = 0; ; hop++) {
    const res = await once(policy, { ...request, url, method, body }, deadline);
    if (res.redirect) {
      if (hop >= (policy.maxRedirects ?? 3)) throw refuse('too many redirects');
      url = new URL(res.redirect, url).toString();
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== 'GET')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    return { status: res.status, body: res.body };
  }
}

function checkUrl(policy: HttpPolicy, raw: string): { url: URL; host: string; privateOk: boolean } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw refuse(`scheme ${url.protocol} is not allowed`);
  if (url.username || url.password) throw refuse('credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const privateOk = policy.allowPrivate.some((p) => p === host || p === `${host}:${port}`);
  if (!privateOk && policy.allowHosts.length > 0 && !policy.allowHosts.some((p) => matches(host, p)))
    throw refuse(`host ${host} is not on the allow-list`);
  if (!privateOk && ipaddr.isValid(host) && isPrivateAddress(host))
    throw refuse(`address ${host} is private`);
  return { url, host, privateOk };
}

function guardedLookup(privateOk: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as Array<{ address: string; family: number }>;
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad && !privateOk)
        return callback(refuse(`${hostname} resolves to the private address ${bad.address}`) as never, '', 0);
      const first = list[0]!;
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, first.address, first.family);
    });
  };
}

function once(
  policy: HttpPolicy,
  request: { method: string; url: string; headers: Record<string, string>; body: unknown },
  deadline: number,
): Promise<{ status: number; body: unknown; redirect?: string }> {
  const { url, privateOk } = checkUrl(policy, request.url);
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new Error('HTTP request timed out'));
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const maxBytes = policy.maxBytes ?? 1024 * 1024;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: request.method,
        headers: {
          ...request.headers,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
            : {}),
        },
        lookup: guardedLookup(privateOk),
        timeout: remaining,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolve({ status, body: null, redirect: res.headers.location });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(new Error(`response larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (/json/i.test(String(res.headers['content-type'] ?? ''))) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          if (status >= 500 || status === 429) reject(new Error(`HTTP ${status}`));
          else resolve({ status, body });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('HTTP request timed out')), remaining);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error('HTTP request timed out')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
