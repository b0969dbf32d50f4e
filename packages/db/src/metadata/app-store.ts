import {
  type AppDocument,
  type AppModel,
  appModel,
  DougongError,
  diffDocuments,
  summarizeChanges,
  upgradeDocument,
} from '@dougong/schema';
import { type Kysely, sql } from 'kysely';
import { dropOpenCounters, installOpenCounters } from '../flows/open-counts.js';
import { planMigration } from '../planner/migration-planner.js';
import { checkPlan } from '../planner/plan-checker.js';
import { applyPlan } from '../planner/plan-executor.js';
import type { MigrationPlan, StepCheck } from '../planner/plan-types.js';
import { type PlanUsage, planUsages } from '../planner/plan-usages.js';
import { syncDuplicateKeys } from '../records/duplicate-index.js';
import { readArchivedState } from './archived-state.js';
import { validateDraft } from './draft-validation.js';

// biome-ignore lint/suspicious/noExplicitAny: system tables by name
type Db = Kysely<any>;

/** An app as listed. */
export interface AppSummary {
  key: string;
  label: AppDocument['label'];
  publishedVersion: number;
  draftRevision: number;
}

/** A published version of an app. */
export interface AppVersion {
  version: number;
  publishedAt: string;
  /** The publisher's user id, and name (null for a deleted user or a system publish). */
  publishedBy: string | null;
  publishedByName: string | null;
  /** The publisher's summary, else the one generated from the changes. */
  summary: string | null;
  steps: number;
}

/** A row of `dougong.app_versions` joined with its publisher, as {@link versionOf} reads it. */
export interface VersionRow {
  version: number;
  published_at: Date | string;
  published_by: string | null;
  published_by_name: string | null;
  summary: string | null;
  steps: number;
}

/** Maps a {@link VersionRow} to an {@link AppVersion}. */
export function versionOf(r: VersionRow): AppVersion {
  return {
    version: r.version,
    publishedAt: new Date(r.published_at).toISOString(),
    publishedBy: r.published_by,
    publishedByName: r.published_by_name,
    summary: r.summary,
    steps: Number(r.steps),
  };
}

/**
 * The result of planning or publishing: the plan, what checking it found, who in the draft still uses
 * what it archives or retypes, and whether it can go ahead.
 */
export interface PlanResult {
  plan: MigrationPlan;
  checks: StepCheck[];
  /** Usages of archived or retyped fields and entities in the draft (blocking ones stop publishing). */
  usages: PlanUsage[];
  blocked: boolean;
}

/** Options of planning and publishing. */
export interface PlanOptions {
  /** The publisher reviewed the usages of fields whose value kind changes: they no longer block. */
  acknowledgeTypeChanges?: boolean;
}

/** Options of {@link AppStore.publish}. */
export interface PublishOptions extends PlanOptions {
  actor: string | null;
  /** Stored with the version; generated from the changes when absent. */
  summary?: string;
  expectedRevision?: number;
  now?: Date;
}

const SUMMARY_LIMIT = 2000;

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * Stores app metadata: drafts (optimistic revisions), published versions, and publishing, which plans
 * the DDL, checks it against live data and applies it with the new metadata in one transaction.
 * Published models are cached in process and replaced on publish.
 */
export class AppStore {
  private readonly published = new Map<string, { version: number; model: AppModel }>();

  constructor(private readonly db: Db) {}

  /** Every app with its versions. */
  async list(): Promise<AppSummary[]> {
    const { rows } = await sql<{
      key: string;
      draft: unknown;
      published: unknown;
      published_version: number;
      draft_revision: number;
    }>`
      select key, draft, published, published_version, draft_revision from dougong.apps order by key`.execute(
      this.db,
    );
    return rows.map((r) => ({
      key: r.key,
      label: parseJson<AppDocument>(r.published ?? r.draft).label,
      publishedVersion: r.published_version,
      draftRevision: r.draft_revision,
    }));
  }

  /** The published model of an app (cached); 404 when the app has never been published. */
  async publishedModel(key: string): Promise<{ version: number; model: AppModel }> {
    const cached = this.published.get(key);
    if (cached) return cached;
    const { rows } = await sql<{ published: unknown; published_version: number }>`
      select published, published_version from dougong.apps where key = ${key}`.execute(this.db);
    const row = rows[0];
    if (!row || row.published === null)
      throw new DougongError('NOT_FOUND', `No published app "${key.slice(0, 64)}".`);
    const doc = upgradeDocument(parseJson<AppDocument>(row.published)) as AppDocument;
    const entry = { version: row.published_version, model: appModel(doc) };
    this.published.set(key, entry);
    return entry;
  }

  /** Forgets cached models (another process may have published). */
  invalidate(key?: string): void {
    if (key) this.published.delete(key);
    else this.published.clear();
  }

  /** The version numbers currently published, for cache checks across processes. */
  async publishedVersions(): Promise<Map<string, number>> {
    const { rows } = await sql<{
      key: string;
      v: number;
    }>`select key, published_version as v from dougong.apps`.execute(this.db);
    return new Map(rows.map((r) => [r.key, r.v]));
  }

  /** The draft of an app with its revision. */
  async draft(key: string): Promise<{ document: AppDocument; revision: number }> {
    const { rows } = await sql<{ draft: unknown; draft_revision: number }>`
      select draft, draft_revision from dougong.apps where key = ${key}`.execute(this.db);
    const row = rows[0];
    if (!row) throw new DougongError('NOT_FOUND', `No app "${key.slice(0, 64)}".`);
    return { document: upgradeDocument(parseJson(row.draft)) as AppDocument, revision: row.draft_revision };
  }

  /**
   * Validates and saves a draft (creating the app on first save). With `expectedRevision`, a draft saved
   * by someone else meanwhile is a 409, never a silent overwrite.
   */
  async saveDraft(
    key: string,
    input: unknown,
    options: { expectedRevision?: number; actor: string | null },
  ): Promise<{ revision: number; document: AppDocument }> {
    const document = validateDraft(key, input, await this.publishedDocument(this.db, key));
    return this.db.transaction().execute((trx) => this.saveDraftIn(trx, key, document, options));
  }

  /** Saves a validated draft inside the caller's transaction (see {@link AppStore.saveDraft}). */
  async saveDraftIn(
    trx: Db,
    key: string,
    document: AppDocument,
    options: { expectedRevision?: number; actor: string | null },
  ): Promise<{ revision: number; document: AppDocument }> {
    const json = JSON.stringify(document);
    const { rows } = await sql<{
      draft_revision: number;
    }>`select draft_revision from dougong.apps where key = ${key} for update`.execute(trx);
    const current = rows[0];
    if (!current) {
      if (options.expectedRevision !== undefined && options.expectedRevision !== 0) {
        throw new DougongError(
          'DRAFT_CONFLICT',
          undefined,
          [{ path: '/revision', message: 'the app does not exist yet' }],
          { currentRevision: 0 },
        );
      }
      const inserted = await sql<{
        draft_revision: number;
      }>`insert into dougong.apps (key, draft, draft_updated_by) values (${key}, cast(${json} as jsonb), ${options.actor})
        on conflict (key) do nothing returning draft_revision`.execute(trx);
      if (inserted.rows.length === 0)
        throw new DougongError('DRAFT_CONFLICT', 'The app was created by someone else meanwhile.');
      return { revision: 1, document };
    }
    if (options.expectedRevision !== undefined && options.expectedRevision !== current.draft_revision) {
      throw new DougongError(
        'DRAFT_CONFLICT',
        undefined,
        [{ path: '/revision', message: `is ${current.draft_revision} now` }],
        {
          currentRevision: current.draft_revision,
        },
      );
    }
    const updated = await sql<{
      draft_revision: number;
    }>`update dougong.apps set draft = cast(${json} as jsonb), draft_revision = draft_revision + 1,
      draft_updated_at = now(), draft_updated_by = ${options.actor} where key = ${key} returning draft_revision`.execute(
      trx,
    );
    return { revision: updated.rows[0]!.draft_revision, document };
  }

  /** The published document of an app, or null when it has none (yet). */
  async publishedDocument(db: Db, key: string): Promise<AppDocument | null> {
    const { rows } = await sql<{ published: unknown }>`
      select published from dougong.apps where key = ${key}`.execute(db);
    const published = rows[0]?.published ?? null;
    return published === null ? null : (upgradeDocument(parseJson(published)) as AppDocument);
  }

  /** Dry run: the plan from the published version to the draft, checked against live data. Changes nothing. */
  async plan(key: string, options: PlanOptions = {}): Promise<PlanResult> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const {
          document: _draft,
          published: _published,
          ...result
        } = await this.planIn(trx, key, false, undefined, options);
        // Roll back: checking may have created nothing, but a dry run must be provably side-effect free.
        throw new DryRun(result);
      })
      .catch((e) => {
        if (e instanceof DryRun) return e.result;
        throw e;
      });
  }

  /**
   * Publishes the draft: plans, checks (blocking checks → 422 with the offending record ids), applies the
   * DDL and stores the new version, all in one transaction.
   */
  async publish(
    key: string,
    options: PublishOptions,
  ): Promise<PlanResult & { version: number; summary: string }> {
    const result = await this.db.transaction().execute((trx) => this.publishIn(trx, key, options));
    this.invalidate(key);
    return result;
  }

  /**
   * Publishes the draft inside the caller's transaction (see {@link AppStore.publish}); the caller
   * invalidates the cache once the transaction has committed.
   */
  async publishIn(
    trx: Db,
    key: string,
    options: PublishOptions,
  ): Promise<PlanResult & { version: number; summary: string }> {
    const planned = await this.planIn(trx, key, true, options.expectedRevision, options);
    if (planned.blocked) {
      const details = [
        ...planned.checks
          .filter((c) => c.blocking)
          .map((c) => ({
            path: stepPath(planned.plan, c.step),
            message: c.message.en,
            recordIds: c.recordIds,
          })),
        ...planned.usages.filter((u) => u.blocking).map((u) => ({ path: u.path, message: u.message.en })),
      ];
      throw new DougongError('PUBLISH_BLOCKED', undefined, details, {
        plan: planned.plan,
        checks: planned.checks,
        usages: planned.usages,
      });
    }
    const doc = planned.document;
    // Open-record counters whose triggers the plan would break go first; the wanted ones come after.
    await dropOpenCounters(trx, planned.plan, doc);
    await applyPlan(trx, planned.plan, {
      doc,
      timeZone: doc.timeZone ?? 'Asia/Shanghai',
      now: options.now ?? new Date(),
    });
    await installOpenCounters(trx, doc);
    // Match keys of new or changed duplicate rules, for the records already there.
    await syncDuplicateKeys(trx, planned.published, doc, options.now ?? new Date());
    const version = planned.plan.toVersion;
    const summary = (
      options.summary ?? summarizeChanges(diffDocuments(planned.published, doc), 'en', doc)
    ).slice(0, SUMMARY_LIMIT);
    await sql`insert into dougong.app_versions (app_key, version, document, plan, summary, published_by)
      values (${key}, ${version}, cast(${JSON.stringify(doc)} as jsonb), cast(${JSON.stringify(planned.plan)} as jsonb), ${summary}, ${options.actor})`.execute(
      trx,
    );
    await sql`update dougong.apps set published = cast(${JSON.stringify(doc)} as jsonb), published_version = ${version} where key = ${key}`.execute(
      trx,
    );
    const { document: _doc, published: _published, ...rest } = planned;
    return { ...rest, version, summary };
  }

  /**
   * Plans from the published document to the draft and checks the plan against live data, inside the
   * caller's transaction (`lock` takes the app row for update). Changes nothing.
   */
  async planIn(
    trx: Db,
    key: string,
    lock: boolean,
    expectedRevision?: number,
    options: PlanOptions = {},
  ): Promise<PlanResult & { document: AppDocument; published: AppDocument | null }> {
    const { rows } = await sql<{
      draft: unknown;
      published: unknown;
      published_version: number;
      draft_revision: number;
    }>`
      select draft, published, published_version, draft_revision from dougong.apps where key = ${key} ${lock ? sql`for update` : sql``}`.execute(
      trx,
    );
    const row = rows[0];
    if (!row) throw new DougongError('NOT_FOUND', `No app "${key.slice(0, 64)}".`);
    if (expectedRevision !== undefined && expectedRevision !== row.draft_revision) {
      throw new DougongError(
        'DRAFT_CONFLICT',
        undefined,
        [{ path: '/revision', message: `is ${row.draft_revision} now` }],
        { currentRevision: row.draft_revision },
      );
    }
    const draft = upgradeDocument(parseJson(row.draft)) as AppDocument;
    const published =
      row.published === null ? null : (upgradeDocument(parseJson(row.published)) as AppDocument);
    const archived = await readArchivedState(trx, key);
    const plan = planMigration(published, draft, archived, row.published_version);
    const checks = await checkPlan(trx, plan, {
      doc: draft,
      timeZone: draft.timeZone ?? 'Asia/Shanghai',
      now: new Date(),
    });
    const usages = planUsages(published, draft, options);
    const blocked = checks.some((c) => c.blocking) || usages.some((u) => u.blocking);
    return { plan, checks, usages, blocked, document: draft, published };
  }

  /** Published versions, newest first. */
  async versions(key: string): Promise<AppVersion[]> {
    await this.draft(key);
    const { rows } = await sql<VersionRow>`
      select v.version, v.published_at, v.published_by, u.name as published_by_name, v.summary,
        jsonb_array_length(v.plan -> 'steps') as steps
      from dougong.app_versions v left join dougong.users u on u.id = v.published_by
      where v.app_key = ${key} order by v.version desc`.execute(this.db);
    return rows.map(versionOf);
  }
}

/** Thrown inside a transaction to roll it back and hand its result out (dry runs). */
export class DryRun<T = PlanResult> extends Error {
  constructor(readonly result: T) {
    super('dry run');
  }
}

function stepPath(plan: MigrationPlan, index: number): string {
  const step = plan.steps[index];
  if (!step) return '';
  if ('fieldId' in step && step.fieldId) return `/entities/${step.entityId}/fields/${step.fieldId}`;
  if (step.kind === 'createIndex')
    return `/entities/${step.index.table.replace(/^t_/, '')}/fields/${step.index.fieldId ?? ''}`;
  if ('entityId' in step) return `/entities/${step.entityId}`;
  return '';
}
