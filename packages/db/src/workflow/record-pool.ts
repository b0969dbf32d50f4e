import { evaluateRule } from '@dougong/rules';
import { type AppModel, DougongError, dateInZone, type EntityModel } from '@dougong/schema';
import { sql } from 'kysely';
import { OPEN_GATE, RECORD_ALIAS, type RecordGate } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import type { RecordJson } from '../records/row-mapping.js';

/** Who claims, and when. */
export interface Claimant {
  userId: string;
  /** Their primary department: the claimed record's owner department. */
  departmentId: string | null;
  now: Date;
}

/** A claimed record and the claimant's count for the day. */
export interface ClaimResult {
  record: RecordJson;
  claimsToday: number;
  claimLimitPerDay: number | null;
}

function poolOf(model: EntityModel) {
  const pool = model.entity.pool;
  if (!pool) throw new DougongError('NOT_FOUND', `${model.entity.key} has no pool.`);
  return pool;
}

/**
 * Claims a pool record (no owner) for the caller, atomically: the row is locked, a record someone else
 * claimed first is a 409, one outside the caller's `claim` grants a 404; the caller's claims of the day
 * (app time zone) are counted in the same transaction by a guarded upsert, so the daily limit holds
 * under concurrent claims (429 beyond it). The owner, owner department and the pool's `onClaim` values
 * are written through the record repository (history, flows). Nothing is written on any failure.
 */
export async function claimRecord(
  db: Db,
  app: AppModel,
  model: EntityModel,
  id: string,
  gate: RecordGate,
  who: Claimant,
): Promise<ClaimResult> {
  const pool = poolOf(model);
  if (!gate.claim)
    throw new DougongError('FORBIDDEN', `You may not claim ${model.entity.key} records from the pool.`);
  const claim = gate.claim;
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DougongError('NOT_FOUND', 'No such record.');
  const table = sql.id(model.schemaName, model.tableName);
  const day = dateInZone(who.now, app.timeZone);
  return db.transaction().execute(async (trx) => {
    // Locks the row whoever owns it, so the loser of a race sees the winner's owner (409), not a 404.
    const { rows } = await sql<{ owner_id: string | null }>`select owner_id from ${table}
      where id = ${id} and deleted_at is null for update`.execute(trx);
    if (!rows[0]) throw new DougongError('NOT_FOUND', 'No such record.');
    if (rows[0].owner_id !== null)
      throw new DougongError(
        'CONFLICT',
        rows[0].owner_id === who.userId ? 'You own this record already.' : 'Someone claimed it first.',
        [{ path: '/ownerId', message: 'is no longer empty' }],
      );
    const { rows: allowed } = await sql<{
      ok: boolean;
    }>`select (${claim}) as ok from ${table} as ${sql.id(RECORD_ALIAS)}
      where ${sql.ref(`${RECORD_ALIAS}.id`)} = ${id}`.execute(trx);
    if (!allowed[0]?.ok) throw new DougongError('NOT_FOUND', 'No such record.');
    const limit = pool.claimLimitPerDay ?? null;
    const { rows: counted } = await sql<{ claims: number }>`insert into dougong.pool_claim_counts
        (app_key, entity_id, user_id, day, claims) values (${app.document.key}, ${model.entity.id}, ${who.userId}, ${day}, 1)
      on conflict (app_key, entity_id, user_id, day) do update set claims = pool_claim_counts.claims + 1
        ${limit === null ? sql`` : sql`where pool_claim_counts.claims < ${limit}`}
      returning claims`.execute(trx);
    if (!counted[0])
      throw new DougongError(
        'RATE_LIMITED',
        `You have claimed ${limit} ${model.entity.key} records today, the daily limit.`,
        [{ path: '/claimLimitPerDay', message: `is ${limit} per day` }],
        { claimLimitPerDay: limit, claimsToday: limit },
      );
    const repo = new RecordRepository(trx, app);
    const current = await repo.get(model, id);
    const values: Record<string, unknown> = {};
    for (const [key, expression] of Object.entries(pool.onClaim ?? {}))
      values[key] = evaluateRule(expression, { record: current }, { now: who.now, timeZone: app.timeZone });
    const actor = { userId: who.userId, departmentId: who.departmentId, now: who.now };
    await repo.update(
      model,
      id,
      { ...values, ownerId: who.userId, ownerDeptId: who.departmentId },
      actor,
      Number(current.version),
      OPEN_GATE,
    );
    return {
      record: await repo.get(model, id, gate),
      claimsToday: Number(counted[0].claims),
      claimLimitPerDay: limit,
    };
  });
}

/** The caller's claims today (app time zone) and the pool's daily limit. */
export async function poolStatus(
  db: Db,
  app: AppModel,
  model: EntityModel,
  userId: string,
  now: Date,
): Promise<{ claimsToday: number; claimLimitPerDay: number | null }> {
  const pool = poolOf(model);
  const { rows } = await sql<{ claims: number }>`select claims from dougong.pool_claim_counts
    where app_key = ${app.document.key} and entity_id = ${model.entity.id} and user_id = ${userId}
      and day = ${dateInZone(now, app.timeZone)}`.execute(db);
  return { claimsToday: Number(rows[0]?.claims ?? 0), claimLimitPerDay: pool.claimLimitPerDay ?? null };
}
