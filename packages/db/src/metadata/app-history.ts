import {
  type AppDocument,
  type DocumentDiff,
  DougongError,
  diffDocuments,
  summarizeChanges,
  upgradeDocument,
} from '@dougong/schema';
import { type Kysely, sql } from 'kysely';
import type { MigrationPlan } from '../planner/plan-types.js';
import {
  APP_EXPORT_FORMAT,
  APP_EXPORT_FORMAT_VERSION,
  type AppExport,
  readAppImport,
  underPrefix,
} from './app-exchange.js';
import {
  type AppStore,
  type AppVersion,
  DryRun,
  type PlanOptions,
  type PlanResult,
  type VersionRow,
  versionOf,
} from './app-store.js';
import { validateDraft } from './draft-validation.js';

// biome-ignore lint/suspicious/noExplicitAny: system tables by name
type Db = Kysely<any>;

/** A published version with its stored document, plan and what changed since the version before. */
export interface VersionDetail extends AppVersion {
  document: AppDocument;
  plan: MigrationPlan;
  /** Counts of what this version added, changed and removed, compared with the version before it. */
  changes: DocumentDiff['counts'];
}

/** Which document of an app: a published version (0 = before the first), the current one, the draft. */
export type DocumentRef = number | 'published' | 'draft';

/** A resolved {@link DocumentRef}: the version number, or the draft with its revision. */
export type ResolvedRef = { kind: 'version'; version: number } | { kind: 'draft'; revision: number };

/** The diff between two documents of an app. */
export interface AppDiff extends DocumentDiff {
  from: ResolvedRef;
  to: ResolvedRef;
  /** A readable summary of the changes in both UI languages. */
  summary: { 'zh-CN': string; en: string };
}

/** Options of writes that end in a publish. */
export interface HistoryWriteOptions extends PlanOptions {
  actor: string | null;
  /** Plan and check, return the plan, change nothing. */
  dryRun?: boolean;
  /** The draft revision the caller saw; another save meanwhile is a 409. */
  expectedRevision?: number;
  summary?: string;
  now?: Date;
}

/** What a rollback or an import did (or, with `dryRun`, would do). */
export type HistoryWriteResult = PlanResult & {
  key: string;
  dryRun: boolean;
  /** The version published (absent on a dry run). */
  version?: number;
  summary?: string;
  /** The draft revision the document was saved as (absent on a dry run, which saves nothing). */
  revision?: number;
};

/**
 * Version history of apps: stored versions and their documents, diffs between any two documents,
 * rollback to an earlier version, and export / import of an app as one JSON document. Rollback and
 * import save a draft and publish it through the same planner as any publish, in one transaction.
 */
export class AppHistory {
  constructor(
    private readonly db: Db,
    private readonly store: AppStore,
  ) {}

  /** One published version with its document; 404 when the app or version does not exist. */
  async version(key: string, version: number): Promise<VersionDetail> {
    const { rows } = await sql<VersionRow & { document: unknown; plan: unknown }>`
      select v.version, v.published_at, v.published_by, u.name as published_by_name, v.summary,
        jsonb_array_length(v.plan -> 'steps') as steps, v.document, v.plan
      from dougong.app_versions v left join dougong.users u on u.id = v.published_by
      where v.app_key = ${key} and v.version = ${version}`.execute(this.db);
    const row = rows[0];
    if (!row) throw notFound(key, version);
    const document = parseDocument(row.document);
    const previous = version > 1 ? await this.versionDocument(this.db, key, version - 1) : null;
    return {
      ...versionOf(row),
      document,
      plan: (typeof row.plan === 'string' ? JSON.parse(row.plan) : row.plan) as MigrationPlan,
      changes: diffDocuments(previous, document).counts,
    };
  }

  /** The structured diff between two documents of an app (default: the published one and the draft). */
  async diff(key: string, from: DocumentRef = 'published', to: DocumentRef = 'draft'): Promise<AppDiff> {
    const a = await this.load(this.db, key, from);
    const b = await this.load(this.db, key, to);
    if (!b.document) throw new DougongError('NOT_FOUND', 'There is no document to compare with.');
    const diff = diffDocuments(a.document, b.document);
    return {
      from: a.ref,
      to: b.ref,
      ...diff,
      summary: {
        'zh-CN': summarizeChanges(diff, 'zh-CN', b.document),
        en: summarizeChanges(diff, 'en', b.document),
      },
    };
  }

  /** The app as one portable document: a version (default: the published one) or the draft. */
  async exportApp(key: string, ref: DocumentRef = 'published', now = new Date()): Promise<AppExport> {
    const { ref: resolved, document } = await this.load(this.db, key, ref);
    if (!document) throw new DougongError('NOT_FOUND', `App "${key}" has not been published yet.`);
    return {
      format: APP_EXPORT_FORMAT,
      formatVersion: APP_EXPORT_FORMAT_VERSION,
      exportedAt: now.toISOString(),
      sourceApp: key,
      sourceVersion: resolved.kind === 'version' ? resolved.version : null,
      app: document,
    };
  }

  /**
   * Makes an earlier version's document the draft and publishes it as a new version ("Rolled back to
   * vN"). Fields and entities archived since come back with their data; type changes since are
   * converted with the usual checks. Blocked → 422 with the plan and nothing changed.
   */
  async rollback(key: string, version: number, options: HistoryWriteOptions): Promise<HistoryWriteResult> {
    return this.write(key, options, async (trx) => {
      const document = await this.versionDocument(trx, key, version);
      if (!document) throw notFound(key, version);
      const published = await this.store.publishedDocument(trx, key);
      // An old version is checked with today's rules; paths point into that version's document.
      try {
        return { document: validateDraft(key, document, published), summary: `Rolled back to v${version}` };
      } catch (error) {
        if (error instanceof DougongError && error.code === 'VALIDATION_FAILED')
          throw new DougongError(
            'UNPROCESSABLE',
            `Version ${version} does not pass today's checks.`,
            error.details,
          );
        throw error;
      }
    });
  }

  /**
   * Installs an exported app (under `key` when the body gives one): saves it as the draft, creating the
   * app when new, and publishes it. With `dryRun`, returns the plan preview and changes nothing.
   */
  async importApp(
    body: unknown,
    options: HistoryWriteOptions,
  ): Promise<HistoryWriteResult & { created: boolean }> {
    const request = readAppImport(body);
    let created = false;
    const result = await this.write(request.key, options, async (trx, exists) => {
      created = !exists;
      const published = await this.store.publishedDocument(trx, request.key);
      const document = underPrefix('/app', () => validateDraft(request.key, request.app, published));
      const source = request.sourceApp
        ? `Imported from ${request.sourceApp}${request.sourceVersion ? ` v${request.sourceVersion}` : ''}`
        : 'Imported';
      return { document, summary: request.summary ?? source };
    });
    return { ...result, created };
  }

  // Saves the document `prepare` gives as the draft and publishes it (or plans, on a dry run), atomically.
  private async write(
    key: string,
    options: HistoryWriteOptions,
    prepare: (trx: Db, exists: boolean) => Promise<{ document: AppDocument; summary: string }>,
  ): Promise<HistoryWriteResult> {
    const dryRun = options.dryRun === true;
    const run = async (trx: Db): Promise<HistoryWriteResult> => {
      const { rows } = await sql<{ draft_revision: number }>`
        select draft_revision from dougong.apps where key = ${key} for update`.execute(trx);
      const current = rows[0]?.draft_revision ?? 0;
      if (options.expectedRevision !== undefined && options.expectedRevision !== current)
        throw new DougongError(
          'DRAFT_CONFLICT',
          undefined,
          [{ path: '/revision', message: `is ${current} now` }],
          { currentRevision: current },
        );
      const { document, summary } = await prepare(trx, rows.length > 0);
      const saved = await this.store.saveDraftIn(trx, key, document, { actor: options.actor });
      if (dryRun) {
        const {
          document: _d,
          published: _p,
          ...plan
        } = await this.store.planIn(trx, key, false, undefined, options);
        throw new DryRun<HistoryWriteResult>({ ...plan, key, dryRun });
      }
      const published = await this.store.publishIn(trx, key, {
        actor: options.actor,
        summary: options.summary ?? summary,
        ...(options.now ? { now: options.now } : {}),
        ...(options.acknowledgeTypeChanges ? { acknowledgeTypeChanges: true } : {}),
      });
      return { ...published, key, dryRun, revision: saved.revision };
    };
    try {
      const result = await this.db.transaction().execute(run);
      this.store.invalidate(key);
      return result;
    } catch (error) {
      if (error instanceof DryRun) return error.result as HistoryWriteResult;
      throw error;
    }
  }

  private async versionDocument(db: Db, key: string, version: number): Promise<AppDocument | null> {
    const { rows } = await sql<{ document: unknown }>`
      select document from dougong.app_versions where app_key = ${key} and version = ${version}`.execute(db);
    return rows[0] ? parseDocument(rows[0].document) : null;
  }

  private async load(
    db: Db,
    key: string,
    ref: DocumentRef,
  ): Promise<{ ref: ResolvedRef; document: AppDocument | null }> {
    const { rows } = await sql<{ draft: unknown; draft_revision: number; published_version: number }>`
      select draft, draft_revision, published_version from dougong.apps where key = ${key}`.execute(db);
    const app = rows[0];
    if (!app) throw new DougongError('NOT_FOUND', `No app "${key.slice(0, 64)}".`);
    if (ref === 'draft')
      return { ref: { kind: 'draft', revision: app.draft_revision }, document: parseDocument(app.draft) };
    const version = ref === 'published' ? app.published_version : ref;
    if (version === 0) return { ref: { kind: 'version', version: 0 }, document: null };
    const document = await this.versionDocument(db, key, version);
    if (!document) throw notFound(key, version);
    return { ref: { kind: 'version', version }, document };
  }
}

function parseDocument(value: unknown): AppDocument {
  return upgradeDocument(typeof value === 'string' ? JSON.parse(value) : value) as AppDocument;
}

function notFound(key: string, version: number): DougongError {
  return new DougongError('NOT_FOUND', `App "${key.slice(0, 64)}" has no version ${version}.`);
}
