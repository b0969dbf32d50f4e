import { DougongError } from '@dougong/schema';
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: system tables by name
type Db = Kysely<any>;

/** System migration 0004: saved list and kanban views, personal or shared. */
export const savedViewMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table dougong.saved_views (
      id uuid primary key default gen_random_uuid(),
      app_key text not null,
      entity_key text not null,
      owner_id uuid not null references dougong.users(id),
      shared boolean not null default false,
      name text not null,
      definition jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
    await sql`create index saved_views_entity on dougong.saved_views (app_key, entity_key)`.execute(db);
  },
};

/** A saved view: what a list shows (columns, sort, filter conditions, or a kanban grouping). */
export interface SavedView {
  id: string;
  name: string;
  shared: boolean;
  ownerId: string;
  definition: Record<string, unknown>;
  createdAt: string;
}

function toView(row: Record<string, unknown>): SavedView {
  return {
    id: String(row.id),
    name: String(row.name),
    shared: Boolean(row.shared),
    ownerId: String(row.owner_id),
    definition: (typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition) as Record<
      string,
      unknown
    >,
    createdAt: (row.created_at instanceof Date
      ? row.created_at
      : new Date(String(row.created_at))
    ).toISOString(),
  };
}

/** Personal and shared views of an entity's lists. */
export class SavedViewStore {
  constructor(private readonly db: Db) {}

  /** The user's own views and every shared view of an entity, shared first, by name. */
  async list(appKey: string, entityKey: string, userId: string): Promise<SavedView[]> {
    const { rows } = await sql<
      Record<string, unknown>
    >`select id, name, shared, owner_id, definition, created_at from dougong.saved_views
      where app_key = ${appKey} and entity_key = ${entityKey} and (shared or owner_id = ${userId})
      order by shared desc, name, id limit 200`.execute(this.db);
    return rows.map(toView);
  }

  /** Saves a view. */
  async create(
    appKey: string,
    entityKey: string,
    userId: string,
    input: { name: string; shared: boolean; definition: Record<string, unknown> },
  ): Promise<SavedView> {
    const { rows } = await sql<
      Record<string, unknown>
    >`insert into dougong.saved_views (app_key, entity_key, owner_id, shared, name, definition)
      values (${appKey}, ${entityKey}, ${userId}, ${input.shared}, ${input.name}, cast(${JSON.stringify(input.definition)} as jsonb))
      returning id, name, shared, owner_id, definition, created_at`.execute(this.db);
    return toView(rows[0]!);
  }

  /** Deletes a view the user owns (or any, for `mayDeleteShared`); 404 otherwise. */
  async remove(
    appKey: string,
    entityKey: string,
    id: string,
    userId: string,
    mayDeleteAny: boolean,
  ): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DougongError('NOT_FOUND', 'No such view.');
    const { rows } = await sql<{
      id: string;
    }>`delete from dougong.saved_views where id = ${id} and app_key = ${appKey} and entity_key = ${entityKey}
      and (owner_id = ${userId} or ${mayDeleteAny}) returning id`.execute(this.db);
    if (rows.length === 0) throw new DougongError('NOT_FOUND', 'No such view.');
  }
}
