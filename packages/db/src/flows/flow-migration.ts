import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The flow engine's tables (migration `0003_flows`). Runs, steps, timers, approvals and the outbox are
 * rows, so a crash loses nothing: a worker's lease on a step expires and another takes it over.
 */
export const flowMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const statement of FLOW_DDL) await sql.raw(statement).execute(db);
  },
};

const FLOW_DDL = [
  // The outbox: written in the transaction of the record write that caused it.
  `create table dougong.flow_events (
     id bigserial primary key,
     app_key text not null,
     kind text not null,
     entity_id text,
     record_id uuid,
     payload jsonb not null,
     created_at timestamptz not null default now(),
     dispatched_at timestamptz
   )`,
  `create index flow_events_pending on dougong.flow_events (id) where dispatched_at is null`,
  `create table dougong.flow_runs (
     id uuid primary key default gen_random_uuid(),
     app_key text not null,
     flow_id text not null,
     app_version integer not null,
     definition jsonb not null,
     trigger_key text not null,
     trigger jsonb not null,
     entity_id text,
     record_id uuid,
     status text not null check (status in ('running', 'succeeded', 'failed', 'cancelled')),
     nodes jsonb not null default '{}',
     vars jsonb not null default '{}',
     path jsonb not null default '[]',
     error text,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     finished_at timestamptz,
     unique (app_key, flow_id, trigger_key)
   )`,
  `create index flow_runs_flow on dougong.flow_runs (app_key, flow_id, created_at desc)`,
  `create index flow_runs_record on dougong.flow_runs (record_id, created_at desc)`,
  `create index flow_runs_status on dougong.flow_runs (status, updated_at)`,
  `create table dougong.flow_steps (
     id uuid primary key default gen_random_uuid(),
     run_id uuid not null references dougong.flow_runs(id),
     node_id text not null,
     branch text not null default '',
     seq bigserial,
     status text not null check (status in ('joining', 'pending', 'running', 'waiting', 'done', 'failed', 'cancelled')),
     due_at timestamptz,
     attempts integer not null default 0,
     lease_owner text,
     lease_until timestamptz,
     state jsonb,
     input jsonb,
     output jsonb,
     error text,
     created_at timestamptz not null,
     started_at timestamptz,
     finished_at timestamptz,
     unique (run_id, node_id, branch)
   )`,
  `create index flow_steps_due on dougong.flow_steps (due_at) where status in ('pending', 'waiting')`,
  `create index flow_steps_leased on dougong.flow_steps (lease_until) where status = 'running'`,
  `create index flow_steps_run on dougong.flow_steps (run_id, seq)`,
  // One row per performed side effect, keyed by its idempotency key.
  `create table dougong.flow_effects (
     key text primary key,
     result jsonb,
     created_at timestamptz not null default now()
   )`,
  `create table dougong.flow_schedules (
     app_key text not null,
     flow_id text not null,
     cron text not null,
     next_at timestamptz,
     last_fired_at timestamptz,
     primary key (app_key, flow_id)
   )`,
  `create index flow_schedules_due on dougong.flow_schedules (next_at)`,
  `create table dougong.flow_date_timers (
     app_key text not null,
     flow_id text not null,
     record_id uuid not null,
     due_at timestamptz not null,
     primary key (app_key, flow_id, record_id)
   )`,
  `create index flow_date_timers_due on dougong.flow_date_timers (due_at)`,
  `create table dougong.flow_webhooks (
     app_key text not null,
     flow_id text not null,
     hook_id text not null unique,
     secret_hash text not null,
     created_at timestamptz not null default now(),
     primary key (app_key, flow_id)
   )`,
  `create table dougong.flow_secrets (
     app_key text not null,
     name text not null,
     sealed text not null,
     created_at timestamptz not null default now(),
     primary key (app_key, name)
   )`,
  `create table dougong.flow_inbox (
     id bigserial primary key,
     user_id uuid not null,
     app_key text not null,
     run_id uuid,
     title text not null,
     body text not null,
     kind text not null default 'notice',
     effect_key text unique,
     created_at timestamptz not null,
     read_at timestamptz
   )`,
  `create index flow_inbox_user on dougong.flow_inbox (user_id, id desc)`,
  `create table dougong.flow_tasks (
     id uuid primary key default gen_random_uuid(),
     app_key text not null,
     run_id uuid,
     title text not null,
     assignee uuid,
     entity_id text,
     record_id uuid,
     due_at timestamptz,
     remind_at timestamptz,
     status text not null default 'open',
     effect_key text unique,
     created_at timestamptz not null
   )`,
  `create table dougong.flow_approvals (
     id uuid primary key default gen_random_uuid(),
     run_id uuid not null,
     step_id uuid not null,
     approver uuid not null,
     status text not null check (status in ('pending', 'approved', 'rejected', 'returned', 'escalated')),
     comment text,
     escalated_from uuid,
     created_at timestamptz not null,
     decided_at timestamptz
   )`,
  `create index flow_approvals_step on dougong.flow_approvals (step_id)`,
  `create index flow_approvals_approver on dougong.flow_approvals (approver, status)`,
  `create table dougong.flow_assignment_state (
     app_key text not null,
     flow_id text not null,
     node_id text not null,
     state jsonb not null,
     primary key (app_key, flow_id, node_id)
   )`,
];
