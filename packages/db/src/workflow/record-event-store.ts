import { matchesStoredEvent, type StoredEvent } from '@dougong/flows';
import type { BehaviourEvent } from '@dougong/rules';
import { type AppModel, DougongError, type EntityModel, formatInZone } from '@dougong/schema';
import { sql } from 'kysely';
import { RECORD_ALIAS, type RecordGate } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';

/** Event types the platform records itself; integrations post their own (e.g. `download`). */
export const BUILT_IN_EVENT_TYPES = ['emailOpened', 'linkClicked', 'formSubmitted'] as const;

/** A valid event type: a letter, then letters, digits, `_`, `.` or `-` (up to 63). */
export const EVENT_TYPE_PATTERN = /^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$/;

/** One behaviour event of a record. */
export interface RecordEventInput {
  entityId: string;
  recordId: string;
  type: string;
  at: Date;
  data?: Record<string, unknown>;
}

/**
 * Stores a behaviour event of a record (scoring reads them, with their age) and, when an enabled flow
 * of the app has a matching `recordEvent` trigger, writes it to the flow outbox with the record as it
 * is now — in the caller's transaction when `db` is one.
 * @example await recordBehaviourEvent(trx, app, { entityId: 'lead', recordId, type: 'emailOpened', at: now })
 */
export async function recordBehaviourEvent(
  db: Db,
  app: AppModel,
  event: RecordEventInput,
  record?: Readonly<Record<string, unknown>> | null,
): Promise<number> {
  const data = JSON.stringify(event.data ?? {});
  const { rows } = await sql<{
    id: string;
  }>`insert into dougong.record_events (app_key, entity_id, record_id, type, at, data)
    values (${app.document.key}, ${event.entityId}, ${event.recordId}, ${event.type}, ${event.at.toISOString()}, cast(${data} as jsonb))
    returning id`.execute(db);
  const id = Number(rows[0]!.id);
  const listening = app.document.flows?.some((f) =>
    matchesStoredEvent(f, { entity: event.entityId, type: event.type }),
  );
  if (listening) {
    const payload: StoredEvent & { after: unknown; eventId: number } = {
      kind: 'recordEvent',
      entity: event.entityId,
      recordId: event.recordId,
      type: event.type,
      at: formatInZone(event.at, app.timeZone),
      data: event.data ?? {},
      after: record ?? null,
      eventId: id,
    };
    await sql`insert into dougong.flow_events (app_key, kind, entity_id, record_id, payload)
      values (${app.document.key}, 'recordEvent', ${event.entityId}, ${event.recordId}, cast(${JSON.stringify(payload)} as json))`.execute(
      db,
    );
  }
  return id;
}

/** A stored event as the API returns it. */
export interface StoredRecordEvent extends BehaviourEvent {
  id: number;
  data: Record<string, unknown>;
}

/** The events of records (oldest first), by record id; `limit` per call. */
export async function eventsOf(
  db: Db,
  app: AppModel,
  entityId: string,
  recordIds: readonly string[],
  options: { type?: string; limit?: number } = {},
): Promise<Map<string, StoredRecordEvent[]>> {
  const out = new Map<string, StoredRecordEvent[]>(recordIds.map((id) => [id, []]));
  if (recordIds.length === 0) return out;
  const ids = `{${recordIds.join(',')}}`;
  const { rows } = await sql<{
    id: string;
    record_id: string;
    type: string;
    at: Date | string;
    data: unknown;
  }>`select id, record_id, type, at, data from dougong.record_events
    where app_key = ${app.document.key} and entity_id = ${entityId} and record_id = any(cast(${ids} as uuid[]))
      ${options.type ? sql`and type = ${options.type}` : sql``}
    order by at, id limit ${options.limit ?? 100_000}`.execute(db);
  for (const r of rows) {
    const data = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
    out.get(String(r.record_id))?.push({
      id: Number(r.id),
      type: r.type,
      at: formatInZone(new Date(r.at), app.timeZone),
      data: (data ?? {}) as Record<string, unknown>,
    });
  }
  return out;
}

/**
 * Stores an event posted for a record (an integration's `download`, `webinarAttended` …): the caller
 * must be allowed to update the record (404 outside their read scope, 403 without update). `at`
 * defaults to now and may not lie in the future.
 */
export async function postRecordEvent(
  db: Db,
  app: AppModel,
  model: EntityModel,
  id: string,
  gate: RecordGate,
  event: { type: string; at?: Date; data?: Record<string, unknown> },
  now: Date,
): Promise<StoredRecordEvent> {
  if (!EVENT_TYPE_PATTERN.test(event.type))
    throw new DougongError('VALIDATION_FAILED', undefined, [
      { path: '/type', message: 'must be a letter then letters, digits, _ . or - (up to 63)' },
    ]);
  if (event.at && event.at.getTime() > now.getTime())
    throw new DougongError('VALIDATION_FAILED', undefined, [{ path: '/at', message: 'lies in the future' }]);
  const record = await new RecordRepository(db, app).get(model, id, gate);
  const { rows } = await sql<{ ok: boolean }>`select (${gate.update ?? sql`false`}) as ok
    from ${sql.id(model.schemaName, model.tableName)} as ${sql.id(RECORD_ALIAS)}
    where ${sql.ref(`${RECORD_ALIAS}.id`)} = ${record.id}`.execute(db);
  if (!rows[0]?.ok) throw new DougongError('FORBIDDEN', 'You may not add events to this record.');
  const at = event.at ?? now;
  const stored = await recordBehaviourEvent(
    db,
    app,
    {
      entityId: model.entity.id,
      recordId: record.id,
      type: event.type,
      at,
      ...(event.data ? { data: event.data } : {}),
    },
    record,
  );
  return { id: stored, type: event.type, at: formatInZone(at, app.timeZone), data: event.data ?? {} };
}

/** The behaviour events of a record the caller may read (404 otherwise), oldest first. */
export async function listRecordEvents(
  db: Db,
  app: AppModel,
  model: EntityModel,
  id: string,
  gate: RecordGate,
  type?: string,
): Promise<StoredRecordEvent[]> {
  const record = await new RecordRepository(db, app).get(model, id, gate);
  const events = await eventsOf(db, app, model.entity.id, [record.id], {
    ...(type ? { type } : {}),
    limit: 1000,
  });
  return events.get(record.id) ?? [];
}
