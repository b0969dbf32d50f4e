import { createHash } from 'node:crypto';
import { type AppModel, DougongError, physicalNames, UUID_PATTERN } from '@dougong/schema';
import { type Expression, type Kysely, type Migration, type SqlBool, sql } from 'kysely';
import { RECORD_ALIAS } from '../records/record-gate.js';

// biome-ignore lint/suspicious/noExplicitAny: system tables by name
type Db = Kysely<any>;

/** System migration 0005: uploaded files (attachments), stored in the database with their digest. */
export const fileMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table dougong.files (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      mime_type text not null,
      size integer not null,
      sha256 text not null,
      content bytea not null,
      uploaded_by uuid references dougong.users(id),
      created_at timestamptz not null default now()
    )`.execute(db);
  },
};

/** A stored file's description, as attachment fields hold it. */
export interface FileInfo {
  id: string;
  name: string;
  size: number;
  mimeType: string;
}

/** The largest file accepted (20 MiB). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * Uploaded files. A file may be read by whoever uploaded it, and by anyone who may read a record whose
 * attachment field lists it (checked with that entity's read gate, in SQL).
 */
export class FileStore {
  constructor(private readonly db: Db) {}

  /** Stores a file; names are cut to 255 characters, control characters removed. */
  async put(input: { name: string; mimeType: string; content: Buffer; userId: string }): Promise<FileInfo> {
    if (input.content.length === 0)
      throw new DougongError('VALIDATION_FAILED', undefined, [{ path: '', message: 'the file is empty' }]);
    if (input.content.length > MAX_FILE_BYTES) throw new DougongError('PAYLOAD_TOO_LARGE');
    // Control characters and path separators become underscores.
    const name =
      [...input.name]
        .map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 || c === '/' || c === '\\' ? '_' : c))
        .join('')
        .slice(0, 255) || 'file';
    const mimeType = /^[\w.+-]+\/[\w.+-]+$/.test(input.mimeType)
      ? input.mimeType.toLowerCase()
      : 'application/octet-stream';
    const digest = createHash('sha256').update(input.content).digest('hex');
    const { rows } = await sql<{
      id: string;
    }>`insert into dougong.files (name, mime_type, size, sha256, content, uploaded_by)
      values (${name}, ${mimeType}, ${input.content.length}, ${digest}, ${input.content}, ${input.userId}) returning id`.execute(
      this.db,
    );
    return { id: String(rows[0]!.id), name, size: input.content.length, mimeType };
  }

  /**
   * A file's content when the caller may read it: they uploaded it, or some record they can read (per
   * `readable(app, entity)`, the entity's read predicate) lists it in an attachment field. 404 otherwise.
   */
  async get(
    id: string,
    userId: string,
    apps: AppModel[],
    readable: (app: AppModel, entityId: string) => Expression<SqlBool> | null,
  ): Promise<FileInfo & { content: Buffer }> {
    if (!UUID_PATTERN.test(id)) throw new DougongError('NOT_FOUND', 'No such file.');
    const { rows } = await sql<{
      id: string;
      name: string;
      mime_type: string;
      size: number;
      content: Uint8Array;
      uploaded_by: string | null;
    }>`
      select id, name, mime_type, size, content, uploaded_by from dougong.files where id = ${id.toLowerCase()}`.execute(
      this.db,
    );
    const row = rows[0];
    if (!row) throw new DougongError('NOT_FOUND', 'No such file.');
    const file = {
      id: String(row.id),
      name: row.name,
      size: Number(row.size),
      mimeType: row.mime_type,
      content: Buffer.from(row.content),
    };
    if (row.uploaded_by && String(row.uploaded_by) === userId) return file;
    const probe = JSON.stringify([{ id: file.id }]);
    for (const app of apps) {
      for (const model of app.entitiesById.values()) {
        const fields = model.storedFields.filter((f) => f.type === 'attachment');
        if (fields.length === 0 || model.entity.kind === 'child') continue;
        const gate = readable(app, model.entity.id);
        if (!gate) continue;
        const lists = sql.join(
          fields.map(
            (f) =>
              sql`${sql.ref(`${RECORD_ALIAS}.${physicalNames.column(f.id)}`)} @> cast(${probe} as jsonb)`,
          ),
          sql` or `,
        );
        const { rows: found } =
          await sql`select 1 from ${sql.id(model.schemaName, model.tableName)} as ${sql.id(RECORD_ALIAS)}
          where ${sql.ref(`${RECORD_ALIAS}.deleted_at`)} is null and (${lists}) and ${gate} limit 1`.execute(
            this.db,
          );
        if (found.length > 0) return file;
      }
    }
    throw new DougongError('NOT_FOUND', 'No such file.');
  }
}
