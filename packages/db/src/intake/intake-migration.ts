import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Data intake: the source of a write kept with its history entry (capture hooks), idempotency keys
 * claimed in the write's transaction, remembered import mappings per source, and import jobs with their
 * progress.
 */
export const intakeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const statement of INTAKE_DDL) await sql.raw(statement).execute(db);
  },
};

// One statement per round trip: the extended protocol (used by both drivers) refuses several at once.
const INTAKE_DDL = [
  `alter table dougong.record_history add column source jsonb`,
  `create table dougong.idempotency_keys (
     app_key text not null,
     scope text not null,
     key text not null,
     entity_id text not null,
     record_id uuid,
     created_at timestamptz not null default now(),
     primary key (app_key, scope, key)
   )`,
  `create table dougong.import_mappings (
     app_key text not null,
     entity_id text not null,
     source_key text not null,
     name text,
     headers jsonb not null,
     mapping jsonb not null,
     updated_at timestamptz not null default now(),
     updated_by uuid,
     primary key (app_key, entity_id, source_key)
   )`,
  `create table dougong.import_jobs (
     id uuid primary key default gen_random_uuid(),
     app_key text not null,
     entity_id text not null,
     user_id uuid,
     status text not null check (status in ('queued', 'running', 'done', 'failed', 'interrupted')),
     options jsonb not null,
     total integer not null,
     processed integer not null default 0,
     created integer not null default 0,
     updated integer not null default 0,
     skipped integer not null default 0,
     rejected integer not null default 0,
     report jsonb,
     rejected_file uuid,
     error text,
     created_at timestamptz not null,
     started_at timestamptz,
     finished_at timestamptz,
     heartbeat_at timestamptz not null
   )`,
  `create index import_jobs_user on dougong.import_jobs (user_id, created_at desc)`,
];
