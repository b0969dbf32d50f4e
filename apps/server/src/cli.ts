import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AppStore,
  type DougongDatabase,
  migrateSystem,
  openDatabase,
  TemplateInstaller,
  type TemplateInstallResult,
  type TemplateUpgradeResult,
  writeDemoData,
} from '@dougong/db';
import { type AppDocument, isDougongError } from '@dougong/schema';
import { compareSemver, type TemplateRegistry } from '@dougong/template-kit';
import { readConfig } from './config.js';
import { DataDirInUse, lockDataDir } from './data-dir-lock.js';
import { bundledTemplates } from './install-templates.js';

const USAGE = `Usage: dougong <command> [options]

Commands:
  template list                                  bundled templates and the apps installed from them
  template install <id> [--app KEY] [--dry-run]  install a template as a new app
  template upgrade <id> [--app KEY] [--dry-run]  upgrade an app to the bundled version, keeping customer changes
  demo-data --leads N [--seed S] [--app KEY]     fill an app without records with demo data
            [--now ISO-DATE] [--password P]      (the size option is named by the template: --leads for sales)

Options:
  --json       print the result as JSON
  --help       this text

Works on the database the server uses: DATABASE_URL, else the embedded database in DATA_DIR (./data);
stop the server first when it runs on the embedded database.`;

class UsageError extends Error {}

/** Runs one CLI command; returns the exit code. */
export async function runCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      app: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      now: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, sub, id] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = readConfig(process.env);
  const registry = bundledTemplates();
  let release: () => void = () => {};
  let database: DougongDatabase | undefined;
  try {
    if (!config.databaseUrl) {
      mkdirSync(resolve(config.dataDir), { recursive: true });
      release = lockDataDir(config.dataDir);
    }
    database = await openDatabase({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : resolve(config.dataDir, 'pglite'),
    });
    await migrateSystem(database.db);
    const store = new AppStore(database.db);
    const installer = new TemplateInstaller(database.db, store);
    const json = Boolean(values.json);
    if (command === 'template' && sub === 'list') {
      const installed = await installer.installed();
      const items = registry.list().map((pkg) => ({
        id: pkg.id,
        version: pkg.version,
        name: pkg.name,
        appKey: pkg.appKey,
        installed: installed.filter((i) => i.templateId === pkg.id),
      }));
      if (json) out(JSON.stringify({ items }, null, 2));
      for (const item of json ? [] : items) {
        out(
          `${item.id} ${item.version}  ${item.name['zh-CN']} / ${item.name.en}  (installs as "${item.appKey}")`,
        );
        if (item.installed.length === 0) out('  not installed');
        for (const app of item.installed)
          out(
            `  app "${app.appKey}": ${app.version}, ${app.overlays ?? '?'} customer change(s)${compareSemver(item.version, app.version) > 0 ? `, upgrade to ${item.version} available` : ''}`,
          );
      }
      return 0;
    }
    if (command === 'template' && (sub === 'install' || sub === 'upgrade')) {
      if (!id) throw new UsageError(`template ${sub} needs a template id`);
      const pkg = registry.find(id);
      if (!pkg)
        throw new UsageError(
          `unknown template "${id}"; bundled: ${registry
            .list()
            .map((p) => p.id)
            .join(', ')}`,
        );
      const options = {
        actor: null,
        dryRun: Boolean(values['dry-run']),
        ...(typeof values.app === 'string' ? { appKey: values.app } : {}),
      };
      const result =
        sub === 'install' ? await installer.install(pkg, options) : await installer.upgrade(pkg, options);
      if (json) out(JSON.stringify(result, null, 2));
      else printRun(result, out);
      return result.blocked ? 1 : 0;
    }
    if (command === 'demo-data') return await demoData(database, store, registry, values, argv, out);
    throw new UsageError(`unknown command "${[command, sub].filter(Boolean).join(' ')}"`);
  } catch (error) {
    if (error instanceof DataDirInUse) {
      out(`dougong: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError) {
      out(`dougong: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (isDougongError(error)) {
      out(`dougong: ${error.message}`);
      for (const d of error.details) out(`  ${d.path || '/'}: ${d.message}`);
      const report = (error.extra as { report?: TemplateUpgradeResult['report'] }).report;
      if (report) printReport(report, out);
      return 1;
    }
    throw error;
  } finally {
    await database?.close();
    release();
  }
}

function printRun(result: TemplateInstallResult | TemplateUpgradeResult, out: (line: string) => void): void {
  const upgrade = 'fromVersion' in result ? result : undefined;
  const what = upgrade
    ? upgrade.upToDate
      ? `app "${result.appKey}" already runs ${result.template.id} ${result.template.version}`
      : `${result.dryRun ? 'would upgrade' : 'upgraded'} app "${result.appKey}" from ${upgrade.fromVersion} to ${result.template.version}`
    : `${result.dryRun ? 'would install' : 'installed'} ${result.template.id} ${result.template.version} as app "${result.appKey}"`;
  out(`${what}${result.version !== undefined ? ` (app version ${result.version})` : ''}`);
  if (upgrade) printReport(upgrade.report, out);
  for (const issue of upgrade?.issues ?? []) out(`  invalid ${issue.path}: ${issue.message}`);
  out(`migration plan: ${result.plan.steps.length} step(s)${result.blocked ? ', BLOCKED' : ''}`);
  for (const step of result.plan.steps) {
    const s = step as { kind: string; entityId?: string; fieldId?: string };
    out(`  ${s.kind}${s.entityId ? ` ${s.entityId}` : ''}${s.fieldId ? `.${s.fieldId}` : ''}`);
  }
  for (const check of result.checks.filter((c) => c.blocking)) out(`  blocked: ${check.message.en}`);
}

function printReport(report: TemplateUpgradeResult['report'], out: (line: string) => void): void {
  out(`template changes applied: ${report.template.length}`);
  for (const e of report.template) out(`  ${e.kind.padEnd(8)} ${e.path}`);
  out(`customer changes kept: ${report.customer.length}`);
  for (const e of report.customer) out(`  ${e.kind.padEnd(8)} ${e.path}`);
  out(`conflicts (customer version kept): ${report.conflicts.length}`);
  for (const c of report.conflicts) out(`  ${c.reason.padEnd(18)} ${c.path}`);
}

async function demoData(
  database: DougongDatabase,
  store: AppStore,
  registry: TemplateRegistry,
  values: Record<string, string | boolean | undefined>,
  argv: string[],
  out: (line: string) => void,
): Promise<number> {
  const apps = await store.list();
  const withDemo: Array<{ key: string; template: NonNullable<AppDocument['template']> }> = [];
  for (const app of apps) {
    if (app.publishedVersion === 0) continue;
    const doc = (await store.publishedModel(app.key)).model.document;
    if (doc.template && registry.find(doc.template.id)?.demoData)
      withDemo.push({ key: app.key, template: doc.template });
  }
  const appKey =
    typeof values.app === 'string' ? values.app : withDemo.length === 1 ? withDemo[0]!.key : undefined;
  if (!appKey)
    throw new UsageError(
      withDemo.length === 0
        ? 'no installed app offers demo data'
        : `name the app: --app ${withDemo.map((a) => a.key).join('|')}`,
    );
  const target = withDemo.find((a) => a.key === appKey);
  const generator = target ? registry.find(target.template.id)?.demoData : undefined;
  if (!generator) throw new UsageError(`app "${appKey}" was not installed from a template with demo data`);
  const sizeFlag = `--${generator.sizeName}`;
  const at = argv.findIndex((a) => a === sizeFlag || a === '--size' || a.startsWith(`${sizeFlag}=`));
  const raw = at < 0 ? undefined : argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
  const size = Number(raw);
  if (!raw || !Number.isInteger(size))
    throw new UsageError(`demo-data needs ${sizeFlag} N (${generator.minSize}–${generator.maxSize})`);
  const now = typeof values.now === 'string' ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new UsageError('--now must be an ISO date or date-time');
  const seed = typeof values.seed === 'string' ? values.seed : '1';
  const json = Boolean(values.json);
  const tty = process.stdout.isTTY && !json;
  let shown = 0;
  const cpu = process.cpuUsage();
  const result = await writeDemoData(database.db, store, {
    appKey,
    generator,
    size,
    seed,
    now,
    ...(typeof values.password === 'string' ? { passwordHash: await hashOf(values.password) } : {}),
    onProgress: ({ records, batches, elapsedMs }) => {
      if (json) return;
      const line = `  ${records.toLocaleString('en')} records in ${batches} batch(es), ${rate(records, elapsedMs)} rows/s`;
      if (tty) process.stdout.write(`\r${line}`);
      else if (elapsedMs - shown >= 2000 || records < 5000) {
        shown = elapsedMs;
        out(line);
      }
    },
  });
  if (tty) process.stdout.write('\n');
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (json)
    out(
      JSON.stringify(
        { appKey, seed, size, ...result, rowsPerSecond: rate(result.total, result.elapsedMs), cpuSeconds },
        null,
        2,
      ),
    );
  else {
    out(`demo data for app "${appKey}" (seed ${seed}, ${size} ${generator.sizeName}):`);
    out(`  ${result.users} users in ${result.departments} departments`);
    for (const [entity, count] of Object.entries(result.records))
      out(`  ${entity.padEnd(20)} ${count.toLocaleString('en')}`);
    out(
      `  ${result.total.toLocaleString('en')} records in ${(result.elapsedMs / 1000).toFixed(1)} s: ${rate(result.total, result.elapsedMs)} rows/s (${cpuSeconds.toFixed(1)} s CPU in this process)`,
    );
  }
  return 0;
}

/** The server's password hash (loaded only when needed: it brings the HTTP stack). */
async function hashOf(password: string): Promise<string> {
  const { hashPassword } = await import('@dougong/server');
  return hashPassword(password);
}

const rate = (rows: number, ms: number) => Math.round(rows / Math.max(ms / 1000, 0.001));

const isMain =
  process.argv[1] &&
  resolve(process.argv[1]).replace(/\.ts$/, '.js') ===
    new URL(import.meta.url).pathname.replace(/\.ts$/, '.js');
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
