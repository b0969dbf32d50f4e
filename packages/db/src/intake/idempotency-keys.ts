import { DougongError } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from '../records/record-reader.js';

/** A key a create claims: unique per app and scope (a capture hook's deliveries share one scope). */
export interface IdempotencyClaim {
  /** e.g. `capture:web_leads`. */
  readonly scope: string;
  readonly key: string;
}

/**
 * Claims a key for a new record at the start of the create's transaction, before the row is written:
 * a concurrent create with the same key waits on it (PostgreSQL makes the insert wait for the first
 * transaction) and, once that one commits, fails here with 409 `CONFLICT` and `duplicateOf` (the first
 * record's id) — before any unique value of its own could clash. The create then rolls back.
 */
export async function claimIdempotencyKey(
  trx: Db,
  appKey: string,
  entityId: string,
  claim: IdempotencyClaim,
): Promise<void> {
  const { rows } = await sql<{
    key: string;
  }>`insert into dougong.idempotency_keys (app_key, scope, key, entity_id)
      values (${appKey}, ${claim.scope}, ${claim.key}, ${entityId}) on conflict do nothing returning key`.execute(
    trx,
  );
  if (rows.length > 0) return;
  const first = await findIdempotentRecord(trx, appKey, claim);
  throw new DougongError('CONFLICT', 'This idempotency key was used before.', [], {
    duplicateOf: first?.recordId ?? null,
  });
}

/** Records the id of the record created under a claimed key (same transaction as the claim). */
export async function bindIdempotencyKey(
  trx: Db,
  appKey: string,
  claim: IdempotencyClaim,
  recordId: string,
): Promise<void> {
  await sql`update dougong.idempotency_keys set record_id = ${recordId}
    where app_key = ${appKey} and scope = ${claim.scope} and key = ${claim.key}`.execute(trx);
}

/** The record a key was claimed for, if any. */
export async function findIdempotentRecord(
  db: Db,
  appKey: string,
  claim: IdempotencyClaim,
): Promise<{ entityId: string; recordId: string; at: string } | undefined> {
  const { rows } = await sql<{ entity_id: string; record_id: string; created_at: Date | string }>`
    select entity_id, record_id, created_at from dougong.idempotency_keys
    where app_key = ${appKey} and scope = ${claim.scope} and key = ${claim.key} and record_id is not null`.execute(
    db,
  );
  const row = rows[0];
  if (!row) return undefined;
  const at = row.created_at instanceof Date ? row.created_at : new Date(row.created_at);
  return { entityId: row.entity_id, recordId: String(row.record_id), at: at.toISOString() };
}
