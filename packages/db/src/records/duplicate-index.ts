import { createHash } from 'node:crypto';
import {
  type AppDocument,
  type AppModel,
  appModel,
  DougongError,
  type DuplicateRule,
  duplicateKey,
  type EntityModel,
} from '@dougong/schema';
import { type Kysely, type Migration, sql } from 'kysely';
import type { Db } from './record-reader.js';
import { rowToRecord, selectColumns } from './row-mapping.js';

/**
 * System tables of duplicate detection: the match key of every live record under every duplicate rule
 * (looked up by index), the suspected-duplicate links for review, and the history actions of a merge.
 */
export const duplicateMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const statements = [
      sql`create table dougong.record_match_keys (
        app_key text not null,
        entity_id text not null,
        record_id uuid not null,
        rule_id text not null,
        key text not null,
        primary key (app_key, entity_id, record_id, rule_id)
      )`,
      sql`create index record_match_keys_lookup on dougong.record_match_keys (app_key, entity_id, rule_id, key)`,
      sql`create table dougong.duplicate_links (
        id bigserial primary key,
        app_key text not null,
        entity_id text not null,
        record_id uuid not null,
        duplicate_of uuid not null,
        rule_id text,
        status text not null default 'open' check (status in ('open', 'merged', 'dismissed')),
        created_at timestamptz not null default now(),
        resolved_at timestamptz,
        resolved_by uuid,
        check (record_id <> duplicate_of)
      )`,
      // One link per pair of records, whichever of the two was written first.
      sql`create unique index duplicate_links_pair on dougong.duplicate_links
        (app_key, entity_id, least(record_id, duplicate_of), greatest(record_id, duplicate_of))`,
      sql`create index duplicate_links_status on dougong.duplicate_links (app_key, entity_id, status, id)`,
      sql`create index duplicate_links_other on dougong.duplicate_links (app_key, entity_id, duplicate_of)`,
      sql`alter table dougong.record_history drop constraint record_history_action_check`,
      sql`alter table dougong.record_history add constraint record_history_action_check
        check (action in ('create', 'update', 'delete', 'restore', 'merge', 'merged'))`,
    ];
    for (const statement of statements) await statement.execute(db);
  },
};

/**
 * The match-key lookup index also orders by record id, so "the first 50 records sharing a key" reads 50
 * index entries however many records share it (a company name shared by thousands of leads).
 */
export const matchKeyOrderMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index record_match_keys_key on dougong.record_match_keys (app_key, entity_id, rule_id, key, record_id)`.execute(
      db,
    );
    await sql`drop index dougong.record_match_keys_lookup`.execute(db);
  },
};

// Keys longer than this are stored as a digest, so the lookup index never meets an oversized entry.
const MAX_KEY_LENGTH = 200;

/** A key as the index stores it. */
export function storedKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

const keyOf = (model: EntityModel, rule: DuplicateRule, values: Record<string, unknown> | null) => {
  const key = values ? duplicateKey(model, rule, values) : null;
  return key === null ? null : storedKey(key);
};

/**
 * Keeps a record's match keys current inside the write's transaction and links it to the live records
 * that share a key it has just gained (`before` is null on create and restore, `after` null on delete).
 * A `block` rule refuses the write instead (409 naming the rule's first field). Writers of the same key
 * are serialised by an advisory lock, so two concurrent captures of one person still find each other.
 */
export async function indexDuplicates(
  trx: Db,
  app: AppModel,
  model: EntityModel,
  recordId: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  now: Date,
): Promise<void> {
  const rules = model.entity.duplicateRules ?? [];
  if (rules.length === 0) return;
  const appKey = app.document.key;
  const entityId = model.entity.id;
  if (after === null) {
    await sql`delete from dougong.record_match_keys
      where app_key = ${appKey} and entity_id = ${entityId} and record_id = ${recordId}`.execute(trx);
    return;
  }
  for (const rule of rules) {
    const key = keyOf(model, rule, after);
    if (before !== null && keyOf(model, rule, before) === key) continue;
    await sql`delete from dougong.record_match_keys
      where app_key = ${appKey} and entity_id = ${entityId} and record_id = ${recordId} and rule_id = ${rule.id}`.execute(
      trx,
    );
    if (key === null) continue;
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${appKey}/${entityId}/${rule.id}/${key}`}, 0))`.execute(
      trx,
    );
    await sql`insert into dougong.record_match_keys (app_key, entity_id, record_id, rule_id, key)
      values (${appKey}, ${entityId}, ${recordId}, ${rule.id}, ${key})`.execute(trx);
    // Only live records have match keys: a delete removes them, a restore puts them back.
    const matches = sql`select k.record_id from dougong.record_match_keys k
      where k.app_key = ${appKey} and k.entity_id = ${entityId} and k.rule_id = ${rule.id} and k.key = ${key}
        and k.record_id <> ${recordId}
      order by k.record_id`;
    if (rule.onDuplicate === 'block') {
      const { rows } = await sql`${matches} limit 1`.execute(trx);
      if (rows.length > 0) {
        const field = model.fieldsById.get(rule.fields[0]!);
        throw new DougongError('UNIQUE_VIOLATION', undefined, [
          {
            path: field ? `/${field.key}` : '',
            message: `matches an existing record (duplicate rule "${rule.id}")`,
          },
        ]);
      }
      continue;
    }
    await sql`insert into dougong.duplicate_links (app_key, entity_id, record_id, duplicate_of, rule_id, created_at)
      select ${appKey}, ${entityId}, ${recordId}, m.record_id, ${rule.id}, ${now.toISOString()}
      from (${matches} limit 50) m
      on conflict do nothing`.execute(trx);
  }
}

const BACKFILL_BATCH = 500;

/**
 * Brings the match keys in line with a newly published document, in the publishing transaction: keys of
 * rules that are new or whose fields changed are computed for every live record, and records that
 * already share such a key are linked for review (each to the earliest one); keys of rules and
 * entities that are gone are dropped.
 */
export async function syncDuplicateKeys(
  trx: Db,
  previous: AppDocument | null,
  next: AppDocument,
  now: Date,
): Promise<void> {
  const appKey = next.key;
  const model = appModel(next);
  const liveEntities = next.entities.map((e) => e.id);
  await sql`delete from dougong.record_match_keys
    where app_key = ${appKey} and not (entity_id = any(cast(${`{${liveEntities.join(',')}}`} as text[])))`.execute(
    trx,
  );
  for (const entity of model.entitiesById.values()) {
    const rules = entity.entity.duplicateRules ?? [];
    await sql`delete from dougong.record_match_keys where app_key = ${appKey} and entity_id = ${entity.entity.id}
      and not (rule_id = any(cast(${`{${rules.map((r) => r.id).join(',')}}`} as text[])))`.execute(trx);
    const old = previous?.entities.find((e) => e.id === entity.entity.id);
    const oldModel = old && previous ? appModel(previous).entitiesById.get(old.id) : undefined;
    const changed = rules.filter((rule) => {
      const was = old?.duplicateRules?.find((r) => r.id === rule.id);
      return !was || !oldModel || ruleSignature(oldModel, was) !== ruleSignature(entity, rule);
    });
    if (changed.length > 0) await rebuild(trx, appKey, entity, changed, now);
  }
}

/** What a rule's keys depend on: its match, and the ids and types of its fields. */
function ruleSignature(model: EntityModel, rule: DuplicateRule): string {
  return JSON.stringify([rule.match, rule.fields.map((id) => [id, model.fieldsById.get(id)?.type])]);
}

async function rebuild(
  trx: Db,
  appKey: string,
  model: EntityModel,
  rules: DuplicateRule[],
  now: Date,
): Promise<void> {
  const entityId = model.entity.id;
  const ruleIds = `{${rules.map((r) => r.id).join(',')}}`;
  await sql`delete from dougong.record_match_keys where app_key = ${appKey} and entity_id = ${entityId}
    and rule_id = any(cast(${ruleIds} as text[]))`.execute(trx);
  const table = sql.id(model.schemaName, model.tableName);
  const columns = sql.join(selectColumns(model).map((c) => sql.id(c)));
  let after: string | null = null;
  for (;;) {
    const { rows } = await sql<Record<string, unknown>>`select ${columns} from ${table}
      where deleted_at is null ${after === null ? sql`` : sql`and id > ${after}`} order by id limit ${BACKFILL_BATCH}`.execute(
      trx,
    );
    if (rows.length === 0) break;
    const tuples = rows.flatMap((row) => {
      const record = rowToRecord(model, row, 'UTC');
      return rules.flatMap((rule) => {
        const key = keyOf(model, rule, record);
        return key === null ? [] : [sql`(${appKey}, ${entityId}, ${record.id}, ${rule.id}, ${key})`];
      });
    });
    if (tuples.length > 0)
      await sql`insert into dougong.record_match_keys (app_key, entity_id, record_id, rule_id, key)
        values ${sql.join(tuples)}`.execute(trx);
    after = String(rows[rows.length - 1]!.id);
    if (rows.length < BACKFILL_BATCH) break;
  }
  // Records that already share a key: each later one is linked to the earliest.
  await sql`insert into dougong.duplicate_links (app_key, entity_id, record_id, duplicate_of, rule_id, created_at)
    select ${appKey}, ${entityId}, g.record_id, g.first_id, g.rule_id, ${now.toISOString()}
    from (
      select k.record_id, k.rule_id, first_value(k.record_id) over (
        partition by k.rule_id, k.key order by t.created_at, t.id) as first_id
      from dougong.record_match_keys k join ${table} t on t.id = k.record_id and t.deleted_at is null
      where k.app_key = ${appKey} and k.entity_id = ${entityId} and k.rule_id = any(cast(${ruleIds} as text[]))
    ) g
    where g.record_id <> g.first_id
    on conflict do nothing`.execute(trx);
}
