import type { Entity, Field } from '@dougong/schema';
import { sql } from 'kysely';
import type { ArchivedState } from '../planner/migration-planner.js';
import type { Db } from '../records/record-reader.js';

const parse = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * The archived tables and columns of an app, for planning its next migration: oldest archive first, so
 * the latest archive of a field wins.
 */
export async function readArchivedState(trx: Db, appKey: string): Promise<ArchivedState> {
  const { rows } = await sql<{
    entity_id: string;
    field_id: string;
    column_name: string;
    definition: unknown;
  }>`
    select entity_id, field_id, column_name, definition from dougong.archived_columns where app_key = ${appKey}
    order by archived_in_version, archived_at`.execute(trx);
  const tables = new Map<string, Entity>();
  const columns = new Map<string, { column: string; definition: Field }>();
  for (const row of rows) {
    if (row.column_name === '*') tables.set(row.entity_id, parse<Entity>(row.definition));
    else
      columns.set(`${row.entity_id}/${row.field_id}`, {
        column: row.column_name,
        definition: parse<Field>(row.definition),
      });
  }
  return { tables, columns };
}
