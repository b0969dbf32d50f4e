import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { DougongError } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from '../records/record-reader.js';

/**
 * Flow secrets (HTTP tokens, robot webhook URLs), sealed with AES-256-GCM under a key kept outside the
 * database. Stored sealed; readable only by the runtime; never returned by any API.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `key`: 32 bytes, or any string (hashed to 32 bytes). */
  constructor(key: Buffer | string) {
    this.key = typeof key === 'string' ? createHash('sha256').update(key).digest() : key;
    if (this.key.length !== 32) throw new Error('The secret key must be 32 bytes.');
  }

  /** A key for another purpose derived from this one (HMAC-SHA256 of the label), e.g. signing links. */
  subkey(label: string): Buffer {
    return createHmac('sha256', this.key).update(label).digest();
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown secret format.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Stores (or replaces) an app's secret. */
  async put(db: Db, appKey: string, name: string, value: string): Promise<void> {
    await sql`insert into dougong.flow_secrets (app_key, name, sealed) values (${appKey}, ${name}, ${this.seal(value)})
      on conflict (app_key, name) do update set sealed = excluded.sealed, created_at = now()`.execute(db);
  }

  /** An app's secret in clear, for the runtime only; 422 when missing. */
  async get(db: Db, appKey: string, name: string): Promise<string> {
    const { rows } = await sql<{
      sealed: string;
    }>`select sealed from dougong.flow_secrets where app_key = ${appKey} and name = ${name}`.execute(db);
    if (!rows[0]) throw new DougongError('VALIDATION_FAILED', `No flow secret "${name}".`);
    return this.open(rows[0].sealed);
  }

  /** Names of an app's secrets (never the values). */
  async names(db: Db, appKey: string): Promise<string[]> {
    const { rows } = await sql<{
      name: string;
    }>`select name from dougong.flow_secrets where app_key = ${appKey} order by name`.execute(db);
    return rows.map((r) => r.name);
  }
}
