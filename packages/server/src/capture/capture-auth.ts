import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CaptureAuth } from '@dougong/schema';

/** The signature header of `hmac-sha256` hooks unless the hook names another. */
export const DEFAULT_SIGNATURE_HEADER = 'x-dougong-signature';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const digest = (value: Buffer | string) => createHash('sha256').update(value).digest();

/**
 * Whether a delivery carries the hook's secret: `bearer` — `Authorization: Bearer <secret>`;
 * `hmac-sha256` — the signature header holds HMAC-SHA256(secret, raw body) as `sha256=<hex>`, bare hex
 * or base64. Compared in constant time (digests of equal length, so nothing leaks through timing).
 */
export function verifyCaptureAuth(auth: CaptureAuth, secret: string, headers: Headers, raw: Buffer): boolean {
  if (auth.scheme === 'bearer') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(first(headers.authorization) ?? '');
    return timingSafeEqual(digest(match?.[1] ?? ''), digest(secret)) && match !== null;
  }
  const header = first(headers[(auth.header ?? DEFAULT_SIGNATURE_HEADER).toLowerCase()])?.trim() ?? '';
  const expected = createHmac('sha256', secret).update(raw).digest();
  const text = header.replace(/^sha256=/i, '');
  const given = /^[0-9a-f]{64}$/i.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
      ? Buffer.from(text, 'base64')
      : Buffer.alloc(32);
  return given.length === 32 && timingSafeEqual(given, expected) && text.length > 0;
}

/** The signature a sender puts in the header for a body: `sha256=<hex>`. */
export function signCaptureBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A new random hook secret (`chs_…`, 32 random bytes). */
export function newCaptureSecret(): string {
  return `chs_${randomBytes(32).toString('base64url')}`;
}
