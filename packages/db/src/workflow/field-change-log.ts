import { type AppModel, type EntityModel, formatInZone } from '@dougong/schema';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { RecordGate } from '../records/record-gate.js';
import { RECORD_ALIAS } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Appends the changes of the entity's tracked fields (`trackChanges: true`) to `dougong.field_changes`,
 * in the write's transaction: a created record logs its first values, an update each changed value.
 * @example await logFieldChanges(trx, app, model, id, before, after, actorId, now)
 */
export async function logFieldChanges(
  trx: Db,
  app: AppModel,
  model: EntityModel,
  recordId: string,
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>> | null,
  actor: string | null,
  now: Date,
): Promise<void> {
  if (!after) return;
  for (const field of model.entity.fields) {
    if (!field.trackChanges) continue;
    const old = before ? (before[field.key] ?? null) : null;
    const value = after[field.key] ?? null;
    if (before ? same(old, value) : value === null) continue;
    await sql`insert into dougong.field_changes (app_key, entity_id, record_id, field_id, old_value, new_value, actor, at)
      values (${app.document.key}, ${model.entity.id}, ${recordId}, ${field.id}, cast(${JSON.stringify(old)} as jsonb),
        cast(${JSON.stringify(value)} as jsonb), ${actor}, ${now.toISOString()})`.execute(trx);
  }
}

/** One entry of the field-change log. */
export interface FieldChange {
  id: number;
  recordId: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  actor: string | null;
  at: string;
}

/** Options of {@link listFieldChanges}. */
export interface FieldChangeQuery {
  /** Field key (tracked). */
  field?: string;
  recordId?: string;
  /** ISO instants, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Entries after this id (paging). */
  after?: number;
  limit: number;
}

/**
 * The field-change log of an entity, oldest first, limited to records the gate lets the caller read
 * and to fields they can see.
 */
export async function listFieldChanges(
  db: Db,
  app: AppModel,
  model: EntityModel,
  gate: RecordGate,
  query: FieldChangeQuery,
): Promise<FieldChange[]> {
  const tracked = model.entity.fields.filter((f) => f.trackChanges && !gate.hidden.has(f.key));
  const fields = query.field === undefined ? tracked : tracked.filter((f) => f.key === query.field);
  if (fields.length === 0) return [];
  const keyOf = new Map(fields.map((f) => [f.id, f.key]));
  const ids = `{${fields.map((f) => f.id).join(',')}}`;
  const where: Expression<SqlBool>[] = [
    sql<SqlBool>`c.app_key = ${model.appKey} and c.entity_id = ${model.entity.id}`,
    sql<SqlBool>`c.field_id = any(cast(${ids} as text[]))`,
  ];
  if (query.recordId) where.push(sql<SqlBool>`c.record_id = ${query.recordId}`);
  if (query.from) where.push(sql<SqlBool>`c.at >= ${query.from}`);
  if (query.to) where.push(sql<SqlBool>`c.at < ${query.to}`);
  if (query.after !== undefined) where.push(sql<SqlBool>`c.id > ${query.after}`);
  const { rows } = await sql<{
    id: string;
    record_id: string;
    field_id: string;
    old_value: string | null;
    new_value: string | null;
    actor: string | null;
    at: Date | string;
  }>`select c.id, c.record_id, c.field_id, c.old_value::text as old_value, c.new_value::text as new_value, c.actor, c.at
    from dougong.field_changes c join ${sql.id(model.schemaName, model.tableName)} as ${sql.id(RECORD_ALIAS)}
      on ${sql.ref(`${RECORD_ALIAS}.id`)} = c.record_id
    where ${sql.join(where, sql` and `)} and ${sql.ref(`${RECORD_ALIAS}.deleted_at`)} is null and ${gate.read}
    order by c.id limit ${query.limit}`.execute(db);
  // jsonb read as text: a scalar string would be ambiguous as a driver-parsed value.
  const parse = (v: string | null) => (v === null ? null : JSON.parse(v));
  return rows.map((r) => ({
    id: Number(r.id),
    recordId: String(r.record_id),
    field: keyOf.get(r.field_id) ?? r.field_id,
    oldValue: parse(r.old_value) ?? null,
    newValue: parse(r.new_value) ?? null,
    actor: r.actor ? String(r.actor) : null,
    at: formatInZone(new Date(r.at), app.timeZone),
  }));
}
