import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { SYSTEM_MIGRATIONS } from './system-migrations.js';

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return SYSTEM_MIGRATIONS;
  }
}

/**
 * Brings the system schema up to date. Safe to call from several processes at once: Kysely's migrator
 * takes a lock, and each migration runs in its own transaction.
 */
// biome-ignore lint/suspicious/noExplicitAny: system tables are addressed by name
export async function migrateSystem(db: Kysely<any>): Promise<string[]> {
  await sql`create schema if not exists dougong`.execute(db);
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(),
    migrationTableSchema: 'dougong',
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
