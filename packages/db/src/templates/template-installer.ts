import { checkFlows } from '@dougong/flows';
import { checkFormRules } from '@dougong/forms';
import {
  type AppDocument,
  DougongError,
  upgradeDocument,
  type ValidationIssue,
  validateAppDocument,
} from '@dougong/schema';
import {
  compareSemver,
  type MergeReport,
  mergeTemplateUpgrade,
  sameJson,
  type TemplatePackage,
  templateDocumentFor,
  templateOverlays,
} from '@dougong/template-kit';
import { type Kysely, sql } from 'kysely';
import type { AppStore } from '../metadata/app-store.js';
import { readArchivedState } from '../metadata/archived-state.js';
import { NO_ARCHIVE, planMigration } from '../planner/migration-planner.js';
import { checkPlan } from '../planner/plan-checker.js';
import type { MigrationPlan, StepCheck } from '../planner/plan-types.js';
import { TemplateBaseStore } from './template-base-store.js';

// biome-ignore lint/suspicious/noExplicitAny: system tables by name
type Db = Kysely<any>;

/** An app installed from a template, with the template version it runs. */
export interface InstalledTemplate {
  appKey: string;
  templateId: string;
  version: string;
  /** How many changes the customer made against that version (their overlays). */
  overlays: number | null;
}

/** Who installs, and whether only to look. */
export interface TemplateRunOptions {
  /** The app key (install: default the package's; upgrade: default the one app installed from it). */
  appKey?: string;
  /** Plan and report only; nothing is written. */
  dryRun?: boolean;
  actor: string | null;
  now?: Date;
}

/** A migration plan checked against live data; blocked when a check would lose or break data. */
export interface TemplatePlan {
  plan: MigrationPlan;
  checks: StepCheck[];
  blocked: boolean;
}

/** What an install did (or, as a dry run, would do). */
export interface TemplateInstallResult extends TemplatePlan {
  appKey: string;
  template: { id: string; version: string };
  dryRun: boolean;
  /** The app version published (absent on a dry run). */
  version?: number;
}

/** What an upgrade did (or would do): the merge report, the document's problems and the plan. */
export interface TemplateUpgradeResult extends TemplateInstallResult {
  fromVersion: string;
  /** True when the app already runs this version; nothing is planned. */
  upToDate: boolean;
  report: MergeReport;
  /** Problems of the merged document; an upgrade with any is not carried out. */
  issues: ValidationIssue[];
}

const parse = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

class DryRun extends Error {
  constructor(readonly result: TemplatePlan) {
    super('dry run');
  }
}

/**
 * Installs and upgrades apps from template packages. An install stores the template version's document
 * as a base and publishes it as a new app. An upgrade merges three ways — base, the app as the
 * customer has it, the new version ({@link mergeTemplateUpgrade}) — checks the result like any
 * draft, plans the migration against live data and, unless the plan is blocked, saves and publishes
 * it through the {@link AppStore}; a blocked or invalid upgrade changes nothing.
 */
export class TemplateInstaller {
  private readonly bases: TemplateBaseStore;

  constructor(
    private readonly db: Db,
    private readonly store: AppStore,
  ) {
    this.bases = new TemplateBaseStore(db);
  }

  /** Every app whose published document names a template, with its version and overlay count. */
  async installed(): Promise<InstalledTemplate[]> {
    const { rows } = await sql<{ key: string; published: unknown }>`select key, published from dougong.apps
      where published is not null and published -> 'template' is not null order by key`.execute(this.db);
    const out: InstalledTemplate[] = [];
    for (const row of rows) {
      const doc = upgradeDocument(parse(row.published)) as AppDocument;
      const { id, version } = doc.template!;
      const base = await this.bases.get(id, version);
      out.push({
        appKey: row.key,
        templateId: id,
        version,
        overlays: base ? templateOverlays({ ...base.document, key: doc.key }, doc).length : null,
      });
    }
    return out;
  }

  /**
   * Installs a package as a new app (`appKey`, default the package's). 409 when the key is taken.
   * @example await installer.install(pkg, { actor: null })
   */
  async install(pkg: TemplatePackage, options: TemplateRunOptions): Promise<TemplateInstallResult> {
    const appKey = options.appKey ?? pkg.appKey;
    const doc = templateDocumentFor(pkg, appKey);
    const { rows } = await sql<{ key: string }>`select key from dougong.apps where key = ${appKey}`.execute(
      this.db,
    );
    if (rows.length > 0)
      throw new DougongError('CONFLICT', `An app "${appKey}" exists already.`, [
        { path: '/appKey', message: 'is taken; upgrade it, or install under another key' },
      ]);
    const issues = documentIssues(doc);
    if (issues.length > 0)
      throw new DougongError('VALIDATION_FAILED', 'The template document is invalid.', issues);
    const template = { id: pkg.id, version: pkg.version };
    if (options.dryRun) {
      const planned = await this.planFor(appKey, null, doc, 0);
      return { appKey, template, dryRun: true, ...planned };
    }
    await this.bases.put(pkg);
    await this.store.saveDraft(appKey, doc, { actor: options.actor, expectedRevision: 0 });
    try {
      const published = await this.store.publish(appKey, {
        actor: options.actor,
        summary: `Installed template ${pkg.id} ${pkg.version}`,
        expectedRevision: 1,
        ...(options.now ? { now: options.now } : {}),
      });
      return { appKey, template, dryRun: false, ...planOf(published), version: published.version };
    } catch (error) {
      // Nothing half-installed: the draft-only app goes again.
      await sql`delete from dougong.apps where key = ${appKey} and published_version = 0`.execute(this.db);
      throw error;
    }
  }

  /**
   * Upgrades an app installed from the package's template to the package's version, keeping the
   * customer's overlays. 404 without such an app; 409 for a downgrade, unpublished draft changes or a
   * missing base; 422 (with the report) when the merged document is invalid or the plan is blocked.
   */
  async upgrade(pkg: TemplatePackage, options: TemplateRunOptions): Promise<TemplateUpgradeResult> {
    const appKey = options.appKey ?? (await this.appOf(pkg.id));
    const { rows } = await sql<{
      draft: unknown;
      published: unknown;
      published_version: number;
      draft_revision: number;
    }>`
      select draft, published, published_version, draft_revision from dougong.apps where key = ${appKey}`.execute(
      this.db,
    );
    const row = rows[0];
    if (!row || row.published === null) throw new DougongError('NOT_FOUND', `No published app "${appKey}".`);
    const published = upgradeDocument(parse(row.published)) as AppDocument;
    const draft = upgradeDocument(parse(row.draft)) as AppDocument;
    const from = published.template;
    if (from?.id !== pkg.id)
      throw new DougongError('CONFLICT', `The app "${appKey}" was not installed from template "${pkg.id}".`, [
        { path: '/appKey', message: `runs ${from ? `template "${from.id}"` : 'no template'}` },
      ]);
    const order = compareSemver(pkg.version, from.version);
    if (order < 0)
      throw new DougongError(
        'CONFLICT',
        `The app runs ${pkg.id} ${from.version}, newer than ${pkg.version}.`,
        [{ path: '/version', message: 'a template is never downgraded' }],
      );
    let base = await this.bases.get(pkg.id, from.version);
    if (!base && order === 0) {
      // Installed before bases were kept: the package of the same version is the base.
      if (!options.dryRun) await this.bases.put(pkg);
      base = { templateId: pkg.id, version: pkg.version, document: pkg.document };
    }
    if (!base)
      throw new DougongError(
        'CONFLICT',
        `The base of ${pkg.id} ${from.version} is not stored; the app cannot be upgraded.`,
        [{ path: '/version', message: `no stored copy of ${from.version}` }],
      );
    const next = templateDocumentFor(pkg, appKey);
    const template = { id: pkg.id, version: pkg.version };
    const common = { appKey, template, fromVersion: from.version, dryRun: Boolean(options.dryRun) };
    if (order === 0) {
      if (!sameJson({ ...base.document, key: appKey }, next))
        throw new DougongError(
          'CONFLICT',
          `Template "${pkg.id}" ${pkg.version} differs from the copy of that version stored earlier; a changed template needs a new version.`,
          [{ path: '/version', message: `${pkg.version} is installed with another document` }],
        );
      const report = {
        template: [],
        customer: templateOverlays({ ...base.document, key: appKey }, published),
        conflicts: [],
      };
      return {
        ...common,
        upToDate: true,
        report,
        issues: [],
        ...unchanged(published, row.published_version),
      };
    }
    if (!sameJson(draft, published))
      throw new DougongError(
        'CONFLICT',
        'The app has unpublished draft changes; publish them before upgrading.',
        [{ path: '/draft', message: 'differs from the published version' }],
      );
    const { document, report } = mergeTemplateUpgrade({ ...base.document, key: appKey }, published, next);
    const issues = documentIssues(document);
    if (issues.length > 0) {
      const result = {
        ...common,
        upToDate: false,
        report,
        issues,
        ...unchanged(published, row.published_version),
        blocked: true,
      };
      if (options.dryRun) return result;
      throw new DougongError(
        'UNPROCESSABLE',
        'The upgraded app document would be invalid; nothing was changed.',
        issues,
        { report },
      );
    }
    const planned = await this.planFor(appKey, published, document, row.published_version);
    if (options.dryRun || planned.blocked) {
      if (!options.dryRun) throw blockedError(planned, report);
      return { ...common, upToDate: false, report, issues, ...planned };
    }
    await this.bases.put(pkg);
    const saved = await this.store.saveDraft(appKey, document, {
      actor: options.actor,
      expectedRevision: row.draft_revision,
    });
    try {
      const done = await this.store.publish(appKey, {
        actor: options.actor,
        summary: `Upgraded template ${pkg.id} ${from.version} → ${pkg.version}`,
        expectedRevision: saved.revision,
        ...(options.now ? { now: options.now } : {}),
      });
      return { ...common, upToDate: false, report, issues, ...planOf(done), version: done.version };
    } catch (error) {
      // Data changed since the check: the customer's draft goes back to what it was.
      await this.store.saveDraft(appKey, draft, { actor: options.actor, expectedRevision: saved.revision });
      throw error;
    }
  }

  /** The only app installed from a template; 404 when none, 409 when several (name one). */
  private async appOf(templateId: string): Promise<string> {
    const apps = (await this.installed()).filter((a) => a.templateId === templateId);
    if (apps.length === 0)
      throw new DougongError('NOT_FOUND', `No app is installed from template "${templateId}".`);
    if (apps.length > 1)
      throw new DougongError('CONFLICT', `Several apps are installed from "${templateId}"; name one.`, [
        { path: '/appKey', message: `one of ${apps.map((a) => a.appKey).join(', ')}` },
      ]);
    return apps[0]!.appKey;
  }

  /** Plans `published` → `next` and checks it against live data in a transaction that is rolled back. */
  private async planFor(
    appKey: string,
    published: AppDocument | null,
    next: AppDocument,
    version: number,
  ): Promise<TemplatePlan> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const plan = planMigration(published, next, await readArchivedState(trx, appKey), version);
        const checks = await checkPlan(trx, plan, {
          doc: next,
          timeZone: next.timeZone ?? 'Asia/Shanghai',
          now: new Date(),
        });
        throw new DryRun({ plan, checks, blocked: checks.some((c) => c.blocking) });
      })
      .catch((e) => {
        if (e instanceof DryRun) return e.result;
        throw e;
      });
  }
}

const planOf = ({ plan, checks, blocked }: TemplatePlan): TemplatePlan => ({ plan, checks, blocked });

/** An empty plan: nothing to do. */
function unchanged(doc: AppDocument, version: number): TemplatePlan {
  return { plan: planMigration(doc, doc, NO_ARCHIVE, version), checks: [], blocked: false };
}

/** The checks a draft passes when saved: the document schema, form rules and flow graphs. */
function documentIssues(doc: AppDocument): ValidationIssue[] {
  const result = validateAppDocument(doc);
  if (!result.ok) return result.issues;
  return [...checkFormRules(result.document), ...checkFlows(result.document)];
}

function blockedError(planned: TemplatePlan, report: MergeReport): DougongError {
  const details = planned.checks
    .filter((c) => c.blocking)
    .map((c) => ({ path: '', message: c.message.en, recordIds: c.recordIds }));
  return new DougongError(
    'PUBLISH_BLOCKED',
    'The upgrade would break existing data; nothing was changed.',
    details,
    {
      plan: planned.plan,
      checks: planned.checks,
      report,
    },
  );
}
