import { type AppDocument, DougongError } from '@dougong/schema';
import { sameJson, type TemplatePackage } from '@dougong/template-kit';
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: system tables by name
type Db = Kysely<any>;

/**
 * System migration 0009: the base documents of installed template versions. An app installed from a
 * template keeps `template: { id, version }` in its document; the base stored under that id and
 * version is what the customer's overlays are measured against when the template is upgraded.
 */
export const templateMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table dougong.template_bases (
      template_id text not null,
      version text not null,
      manifest jsonb not null,
      document jsonb not null,
      stored_at timestamptz not null default now(),
      primary key (template_id, version)
    )`.execute(db);
  },
};

/** The stored copy of one template version. */
export interface TemplateBase {
  templateId: string;
  version: string;
  document: AppDocument;
}

const parse = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** Reads and keeps template base documents (never changed once stored). */
export class TemplateBaseStore {
  constructor(private readonly db: Db) {}

  /** The base of a template version; undefined when it was never stored. */
  async get(templateId: string, version: string, db: Db = this.db): Promise<TemplateBase | undefined> {
    const { rows } = await sql<{ document: unknown }>`select document from dougong.template_bases
      where template_id = ${templateId} and version = ${version}`.execute(db);
    return rows[0] ? { templateId, version, document: parse<AppDocument>(rows[0].document) } : undefined;
  }

  /**
   * Stores a package's document as the base of its version. Storing the same version again is a no-op;
   * a different document under a stored version is a 409: a changed template needs a new version.
   */
  async put(pkg: TemplatePackage, db: Db = this.db): Promise<void> {
    const { demoData: _generator, document, ...manifest } = pkg;
    await sql`insert into dougong.template_bases (template_id, version, manifest, document)
      values (${pkg.id}, ${pkg.version}, cast(${JSON.stringify(manifest)} as jsonb), cast(${JSON.stringify(document)} as jsonb))
      on conflict (template_id, version) do nothing`.execute(db);
    const stored = await this.get(pkg.id, pkg.version, db);
    if (stored && !sameJson(stored.document, document))
      throw new DougongError(
        'CONFLICT',
        `Template "${pkg.id}" ${pkg.version} differs from the copy of that version stored earlier; a changed template needs a new version.`,
        [{ path: '/version', message: `${pkg.version} is already stored with another document` }],
      );
  }
}
