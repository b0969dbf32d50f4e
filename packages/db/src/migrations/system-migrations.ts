import { type Kysely, type Migration, sql } from 'kysely';
import { fileMigration } from '../files/file-store.js';
import { flowMigration } from '../flows/flow-migration.js';
import { openCountsMigration } from '../flows/open-counts.js';
import { identityMigration } from '../identity/identity-migration.js';
import { intakeMigration } from '../intake/intake-migration.js';
import { duplicateMigration, matchKeyOrderMigration } from '../records/duplicate-index.js';
import { templateMigration } from '../templates/template-base-store.js';
import { savedViewMigration } from '../views/saved-view-store.js';
import { workflowMigration } from '../workflow/workflow-migration.js';

/**
 * Versioned migrations of the system schema `dougong`. Append new ones; never edit a shipped one.
 * App tables are not here: the migration planner derives them from published metadata.
 */
export const SYSTEM_MIGRATIONS: Record<string, Migration> = {
  '0001_metadata': {
    async up(db: Kysely<unknown>) {
      for (const statement of METADATA_DDL) await sql.raw(statement).execute(db);
    },
  },
  '0002_identity': identityMigration,
  '0003_flows': flowMigration,
  '0004_saved_views': savedViewMigration,
  '0005_files': fileMigration,
  '0006_duplicates': duplicateMigration,
  '0007_intake': intakeMigration,
  '0008_record_workflow': workflowMigration,
  '0009_templates': templateMigration,
  '0010_match_key_order': matchKeyOrderMigration,
  '0011_json_logs': {
    // The history and the outbox are written far more often than read, and only ever read whole:
    // stored as `json` (checked, kept as written) rather than `jsonb` (parsed into a tree), a write of
    // them costs a fraction. Nothing queries inside them; every value is kept by the conversion.
    async up(db: Kysely<unknown>) {
      await sql`alter table dougong.record_history alter column changes type json using cast(changes as json)`.execute(
        db,
      );
      await sql`alter table dougong.flow_events alter column payload type json using cast(payload as json)`.execute(
        db,
      );
    },
  },
  '0012_open_counts': openCountsMigration,
};

// One statement per round trip: the extended protocol (used by both drivers) refuses several at once.
const METADATA_DDL = [
  `create table dougong.apps (
          key text primary key,
          draft jsonb not null,
          draft_revision integer not null default 1,
          draft_updated_at timestamptz not null default now(),
          draft_updated_by uuid,
          published jsonb,
          published_version integer not null default 0,
          created_at timestamptz not null default now()
        )`,
  `create table dougong.app_versions (
          app_key text not null references dougong.apps(key),
          version integer not null,
          document jsonb not null,
          plan jsonb not null,
          summary text,
          published_at timestamptz not null default now(),
          published_by uuid,
          primary key (app_key, version)
        )`,
  `create table dougong.archived_columns (
          app_key text not null references dougong.apps(key),
          entity_id text not null,
          field_id text not null,
          column_name text not null,
          definition jsonb not null,
          archived_at timestamptz not null default now(),
          archived_in_version integer not null,
          primary key (app_key, entity_id, column_name)
        )`,
  `create table dougong.record_history (
          id bigserial primary key,
          app_key text not null,
          entity_id text not null,
          record_id uuid not null,
          action text not null check (action in ('create', 'update', 'delete', 'restore')),
          changes jsonb not null,
          actor uuid,
          at timestamptz not null default now()
        )`,
  `create index record_history_record on dougong.record_history (app_key, entity_id, record_id, id)`,
  `create table dougong.auto_number_counters (
          app_key text not null,
          entity_id text not null,
          field_id text not null,
          period text not null,
          value bigint not null,
          primary key (app_key, entity_id, field_id, period)
        )`,
];
