import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Tables of the record workflow capabilities (migration `0008_record_workflow`): behaviour events per
 * record, the field-change log, daily pool-claim counters and assignment cursors.
 */
export const workflowMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const statement of WORKFLOW_DDL) await sql.raw(statement).execute(db);
  },
};

const WORKFLOW_DDL = [
  // Behaviour events of a record (e-mail opened, link clicked, form submitted, posted events): scoring input.
  `create table dougong.record_events (
     id bigserial primary key,
     app_key text not null,
     entity_id text not null,
     record_id uuid not null,
     type text not null,
     at timestamptz not null,
     data jsonb not null default '{}',
     created_at timestamptz not null default now()
   )`,
  `create index record_events_record on dougong.record_events (app_key, entity_id, record_id, at)`,
  `create index record_events_type on dougong.record_events (app_key, entity_id, type, at)`,
  // Every change of a tracked field, written in the write's transaction: stage history and analytics.
  `create table dougong.field_changes (
     id bigserial primary key,
     app_key text not null,
     entity_id text not null,
     record_id uuid not null,
     field_id text not null,
     old_value jsonb,
     new_value jsonb,
     actor uuid,
     at timestamptz not null
   )`,
  `create index field_changes_field on dougong.field_changes (app_key, entity_id, field_id, at)`,
  `create index field_changes_record on dougong.field_changes (app_key, entity_id, record_id, id)`,
  // Claims from a pool per user and local day: the counter row is the limit's lock.
  `create table dougong.pool_claim_counts (
     app_key text not null,
     entity_id text not null,
     user_id uuid not null,
     day date not null,
     claims integer not null,
     primary key (app_key, entity_id, user_id, day)
   )`,
  // One row per assignment target (round-robin cursor); locked while an owner is chosen.
  `create table dougong.assignment_cursors (
     app_key text not null,
     scope text not null,
     target text not null,
     position bigint not null default 0,
     primary key (app_key, scope, target)
   )`,
];
