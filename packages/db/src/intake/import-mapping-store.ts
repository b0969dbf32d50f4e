import { sql } from 'kysely';
import type { Db } from '../records/record-reader.js';

/** A column mapping remembered for one source of import files. */
export interface RememberedMapping {
  /** `h:<digest of the normalised header set>` or `n:<source name>`. */
  sourceKey: string;
  /** The source name the user gave, if any. */
  name: string | null;
  /** The file's headers when the mapping was saved. */
  headers: string[];
  /** Column header → field id (ids, so renaming a field's key keeps the mapping). */
  mapping: Record<string, string>;
  updatedAt: string;
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** Import column mappings remembered per app, entity and source, so the next file from it maps itself. */
export class ImportMappingStore {
  constructor(private readonly db: Db) {}

  /** The mapping remembered for a source, if any. */
  async get(appKey: string, entityId: string, sourceKey: string): Promise<RememberedMapping | undefined> {
    const { rows } = await sql<{
      source_key: string;
      name: string | null;
      headers: unknown;
      mapping: unknown;
      updated_at: Date | string;
    }>`select source_key, name, headers, mapping, updated_at from dougong.import_mappings
      where app_key = ${appKey} and entity_id = ${entityId} and source_key = ${sourceKey}`.execute(this.db);
    const row = rows[0];
    if (!row) return undefined;
    const at = row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at);
    return {
      sourceKey: row.source_key,
      name: row.name,
      headers: json<string[]>(row.headers),
      mapping: json<Record<string, string>>(row.mapping),
      updatedAt: at.toISOString(),
    };
  }

  /** Saves (or replaces) the mapping of a source. */
  async remember(
    appKey: string,
    entityId: string,
    sourceKey: string,
    input: {
      name: string | null;
      headers: string[];
      mapping: Record<string, string>;
      userId: string | null;
      now: Date;
    },
  ): Promise<void> {
    await sql`insert into dougong.import_mappings (app_key, entity_id, source_key, name, headers, mapping, updated_at, updated_by)
      values (${appKey}, ${entityId}, ${sourceKey}, ${input.name}, cast(${JSON.stringify(input.headers)} as jsonb),
        cast(${JSON.stringify(input.mapping)} as jsonb), ${input.now.toISOString()}, ${input.userId})
      on conflict (app_key, entity_id, source_key) do update set name = excluded.name, headers = excluded.headers,
        mapping = excluded.mapping, updated_at = excluded.updated_at, updated_by = excluded.updated_by`.execute(
      this.db,
    );
  }
}
