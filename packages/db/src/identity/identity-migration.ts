import { type Kysely, type Migration, sql } from 'kysely';

const IDENTITY_DDL = [
  `create table dougong.users (
    id uuid primary key default gen_random_uuid(),
    login text not null,
    name text not null,
    email text,
    mobile text,
    status text not null default 'active' check (status in ('active', 'disabled')),
    locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en')),
    password_hash text,
    rights text[] not null default '{}',
    password_changed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create unique index users_login on dougong.users (lower(login))`,
  `create table dougong.departments (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    parent_id uuid references dougong.departments(id),
    head_user_id uuid references dougong.users(id),
    sort_order integer not null default 0,
    created_at timestamptz not null default now()
  )`,
  `create index departments_parent on dougong.departments (parent_id)`,
  `create table dougong.user_departments (
    user_id uuid not null references dougong.users(id),
    department_id uuid not null references dougong.departments(id),
    is_primary boolean not null default false,
    primary key (user_id, department_id)
  )`,
  `create unique index user_departments_one_primary on dougong.user_departments (user_id) where is_primary`,
  `create table dougong.user_roles (
    user_id uuid not null references dougong.users(id),
    app_key text not null,
    role_key text not null,
    primary key (user_id, app_key, role_key)
  )`,
  `create table dougong.sessions (
    id text primary key,
    user_id uuid not null references dougong.users(id),
    csrf_token text not null,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz,
    user_agent text,
    ip text
  )`,
  `create index sessions_user on dougong.sessions (user_id)`,
  `create table dougong.api_keys (
    id uuid primary key default gen_random_uuid(),
    prefix text not null unique,
    key_hash text not null,
    name text not null,
    user_id uuid not null references dougong.users(id),
    app_keys text[] not null,
    role_key text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create table dougong.auth_throttle (
    key text primary key,
    failures integer not null default 0,
    window_started_at timestamptz not null default now(),
    blocked_until timestamptz
  )`,
  `create table dougong.audit_log (
    id bigserial primary key,
    at timestamptz not null default now(),
    actor_id uuid,
    action text not null,
    target text,
    ip text,
    details jsonb not null default '{}'::jsonb
  )`,
  `create index audit_log_at on dougong.audit_log (at desc, id desc)`,
  // Append-only: the table refuses updates and deletes, whoever asks.
  `create function dougong.audit_log_append_only() returns trigger language plpgsql as $$
   begin raise exception 'the audit log is append-only'; end $$`,
  `create trigger audit_log_no_change before update or delete on dougong.audit_log
   for each row execute function dougong.audit_log_append_only()`,
  `create table dougong.installation (
    id integer primary key check (id = 1),
    admin_created_at timestamptz not null
  )`,
];

/** System migration 0002: users, departments, roles, sessions, API keys, throttling, audit log. */
export const identityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const statement of IDENTITY_DDL) await sql.raw(statement).execute(db);
  },
};
