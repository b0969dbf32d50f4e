import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppStore,
  type ExternalPerformers,
  FlowRuntime,
  gateFor,
  IdentityStore,
  migrateSystem,
  openDatabase,
  RecordRepository,
  TemplateInstaller,
} from '@dougong/db';
import { FlowWorker } from '@dougong/server';
import { salesTemplate } from '@dougong/template-sales';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { parseCsv } from '../../packages/server/src/imports/import-cells.js';
import {
  type ImportPlan,
  resolveMapping,
  runImport,
} from '../../packages/server/src/imports/import-runner.js';

/** Options of {@link runImportBench}. */
export interface ImportBenchOptions {
  kind: 'pglite' | 'postgres';
  /** PostgreSQL server URL (a throwaway database is created beside it and dropped after). */
  url?: string;
  /** Data rows of the main (batched) import (default 100,000). */
  rows?: number;
  /** Data rows of the row-by-row baseline (default 5,000). */
  baselineRows?: number;
  /** Seconds the flow worker drains the queued events (default 20). */
  drainSeconds?: number;
  log: (line: string) => void;
}

/** The goal printed beside the PostgreSQL result. */
const GOAL_ROWS_PER_SECOND = 5_000;

// The e-mail and web hooks go nowhere: the drain measures the flow engine, not SMTP.
const NULL_PERFORMERS: ExternalPerformers = {
  sendEmail: async (_mail, key) => ({ messageId: key }),
  httpRequest: async () => ({ status: 200, body: null }),
  robot: async () => ({ errcode: 0 }),
};

const HEADER = ['姓名', '公司名称', '职位', '手机', '邮箱', '来源', '行业', '大区', '公司规模', '备注'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇', '艳', '杰', '涛', '明'];
// 20 cities × 30 names × 6 forms × 12 trades = 43,200 companies: a list of 100,000 leads names a
// company about 2.3 times on average (several contacts of one company), as a real list does, rather
// than every company a thousand times. Each repetition is a suspected duplicate the import links.
const CITIES = [
  '上海',
  '杭州',
  '苏州',
  '南京',
  '宁波',
  '广州',
  '深圳',
  '东莞',
  '佛山',
  '北京',
  '天津',
  '济南',
  '青岛',
  '成都',
  '重庆',
  '武汉',
  '长沙',
  '西安',
  '合肥',
  '厦门',
];
const BRANDS = [
  '华东',
  '宏达',
  '新锐',
  '恒信',
  '瑞丰',
  '金桥',
  '远航',
  '天成',
  '博源',
  '启明',
  '汇通',
  '嘉禾',
  '正泰',
  '鼎盛',
  '联创',
  '东方',
  '中科',
  '锦程',
  '永安',
  '安信',
  '润泽',
  '晨光',
  '海纳',
  '华信',
  '德昌',
  '盛世',
  '协力',
  '凯越',
  '星河',
  '万达',
];
const FORMS = ['', '实业', '集团', '国际', '控股', '股份'];
const TRADES = [
  '机械',
  '科技',
  '贸易',
  '电子',
  '物流',
  '医药',
  '建材',
  '软件',
  '化工',
  '食品',
  '纺织',
  '环保',
];
const TITLES = ['采购经理', '总经理', '技术总监', 'IT 主管', '行政主管', '销售总监'];
const INDUSTRIES = ['制造业', '信息技术', '金融', '零售'];
const REGIONS = ['华东', '华南', '华北', '西南'];
const SIZES = ['50人以下', '50-500人', '500-5000人', '5000人以上'];

/** A small deterministic generator (mulberry32), so every run imports the same file. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * A lead list as an exported spreadsheet would have it: `rows` data rows, about 1% bad (no name, an
 * e-mail without @, an unknown industry) and about 1% repeating the mobile of an earlier row. Mobiles
 * start with `prefix` so two files never share one.
 */
export function leadCsv(
  rows: number,
  prefix: string,
  seed: number,
): { text: string; bad: number; duplicates: number } {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const lines = [HEADER.join(',')];
  const mobiles: string[] = [];
  let bad = 0;
  let duplicates = 0;
  for (let i = 0; i < rows; i++) {
    const name = pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.5 ? pick(GIVEN) : '');
    let mobile = `${prefix}${String(i).padStart(8, '0')}`;
    let email = `lead${prefix}${i}@example.cn`;
    let industry = pick(INDUSTRIES);
    let person = name;
    const roll = rnd();
    if (roll < 0.01 && mobiles.length > 0) {
      duplicates += 1;
      mobile = pick(mobiles);
    } else if (roll < 0.02) {
      bad += 1;
      const kind = Math.floor(rnd() * 3);
      if (kind === 0) person = '';
      else if (kind === 1) email = `lead${prefix}${i}.example.cn`;
      else industry = '航天';
    } else mobiles.push(mobile);
    const cells = [
      person,
      `${pick(CITIES)}${pick(BRANDS)}${pick(FORMS)}${pick(TRADES)}有限公司`,
      pick(TITLES),
      mobile,
      email,
      '导入',
      industry,
      pick(REGIONS),
      pick(SIZES),
      `第 ${i + 1} 行`,
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return { text: `${lines.join('\r\n')}\r\n`, bad, duplicates };
}

type Db = Kysely<any>;
type Principal = Parameters<typeof gateFor>[2];

const count = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) =>
  Number((await query.execute(db)).rows[0]!.n);

/** A sales organisation: a sales department with two teams, three reps each (role `rep`). */
async function salesOrg(db: Db): Promise<Principal> {
  const identity = new IdentityStore(db);
  const sales = await identity.createDepartment({ name: '销售部' });
  let importer: Principal | undefined;
  for (const [t, team] of ['华东组', '华南组'].entries()) {
    const dept = await identity.createDepartment({ name: team, parentId: sales.id });
    for (let r = 1; r <= 3; r++) {
      const user = await identity.createUser({ login: `bench.rep${t}${r}`, name: `代表${t}${r}` });
      await identity.setMemberships(user.id, [{ departmentId: dept.id, primary: true }]);
      await identity.setRoles(user.id, 'sales', ['rep']);
      importer ??= {
        kind: 'user',
        userId: user.id,
        departmentIds: [dept.id],
        departmentTreeIds: [dept.id],
        primaryDepartmentId: dept.id,
        roles: { sales: ['rep'] },
        rights: new Set(),
      };
    }
  }
  return importer!;
}

/**
 * Installs the sales template into a fresh database, creates a small sales organisation and imports a
 * generated lead list as a rep through the import runner the HTTP route uses (parse, mapping by header,
 * validation, form rules, dedupe on the `by_mobile` duplicate rule, assignment by rule and scoring —
 * the inline start nodes of the sales flows — and batched writes with history, duplicate keys and flow
 * events). Prints rows/s of the batched import, of a row-by-row baseline, and how fast one flow worker
 * goes on with the follow-up flows (tasks, notices, e-mails, reminder timers) the import queued.
 */
export async function runImportBench(options: ImportBenchOptions): Promise<void> {
  const { log } = options;
  const rows = options.rows ?? 100_000;
  const baselineRows = Math.min(options.baselineRows ?? 5_000, rows);
  const drainSeconds = options.drainSeconds ?? 20;
  let url: string | undefined;
  let dataDir: string | undefined;
  let cleanup = async () => undefined;
  if (options.kind === 'postgres') {
    const name = `dg_import_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(options.url!);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      const c = new pg.Client({ connectionString: options.url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'dg-import-bench-'));
    const dir = dataDir;
    cleanup = async () => rm(dir, { recursive: true, force: true });
  }
  const database = await openDatabase({ ...(url ? { url } : {}), ...(dataDir ? { dataDir } : {}) });
  const { db } = database;
  const label = options.kind.padEnd(8);
  try {
    await migrateSystem(db);
    const store = new AppStore(db);
    await new TemplateInstaller(db, store).install(salesTemplate(), { actor: null });
    const principal = await salesOrg(db);
    const { model: app } = await store.publishedModel('sales');
    const repo = new RecordRepository(db, app);
    const lead = repo.entity('lead');
    const plan: ImportPlan = { mapping: {}, dedupe: 'skip', matchOn: 'by_mobile' };
    const importFile = async (text: string, batchSize?: number) => {
      const now = new Date();
      const gate = gateFor(app, lead, principal, now);
      const actor = {
        userId: principal.userId,
        departmentId: principal.primaryDepartmentId,
        now,
        user: {
          id: principal.userId,
          departmentIds: principal.departmentIds,
          roleIds: principal.roles.sales ?? [],
        },
      };
      const started = performance.now();
      const cpu = process.cpuUsage();
      const parsed = parseCsv(text);
      const columns = resolveMapping(lead, parsed[0]!, undefined, gate);
      const report = await runImport(repo, lead, parsed, plan, columns, actor, gate, undefined, {
        ...(batchSize ? { batchSize } : {}),
      });
      const used = process.cpuUsage(cpu);
      return {
        report,
        seconds: (performance.now() - started) / 1000,
        cpuMs: (used.user + used.system) / 1000,
      };
    };
    const events = () => count(db, sql<{ n: number }>`select count(*)::int as n from dougong.flow_events`);

    // Baseline first, on the emptier table (so the ratio is if anything in the baseline's favour).
    const small = leadCsv(baselineRows, '137', 2);
    const base = await importFile(small.text, 1);
    const baseRate = base.report.total / base.seconds;
    log(
      `${label} baseline row by row: ${base.report.total.toLocaleString()} rows in ${base.seconds.toFixed(1)} s = ${baseRate.toFixed(0)} rows/s` +
        ` (created ${base.report.created}, skipped ${base.report.skipped}, rejected ${base.report.rejected.length})`,
    );

    const file = leadCsv(rows, '138', 1);
    const eventsBefore = await events();
    const main = await importFile(file.text);
    const rate = main.report.total / main.seconds;
    const queued = (await events()) - eventsBefore;
    const history = await count(
      db,
      sql<{
        n: number;
      }>`select count(*)::int as n from dougong.record_history where entity_id = ${lead.entity.id}`,
    );
    // Assignment and scoring run inline (the sales flows' start nodes): count the leads they reached.
    const column = (key: string) => sql.ref(`t.${lead.columnsByKey.get(key)!.column}`);
    const table = sql.table(`${lead.schemaName}.${lead.tableName}`);
    const { rows: spread } = await sql<{ fewest: number; most: number }>`select
        min(n)::int as fewest, max(n)::int as most
      from (select count(*) as n from ${table} as t where ${column('assignedAt')} is not null group by t.owner_id) c`.execute(
      db,
    );
    const { rows: reachedRows } = await sql<{
      leads: number;
      assigned: number;
      scored: number;
      owners: number;
    }>`select
        count(*)::int as leads,
        count(*) filter (where ${column('assignedAt')} is not null)::int as assigned,
        count(*) filter (where ${column('score')} is not null and ${column('grade')} is not null)::int as scored,
        count(distinct t.owner_id) filter (where ${column('assignedAt')} is not null)::int as owners
      from ${table} as t`.execute(db);
    const reached = reachedRows[0]!;
    const { report } = main;
    log(
      `${label} batched import: ${report.total.toLocaleString()} rows in ${main.seconds.toFixed(1)} s = ${rate.toFixed(0)} rows/s` +
        ` (created ${report.created.toLocaleString()}, skipped ${report.skipped} of ${file.duplicates} duplicate rows, rejected ${report.rejected.length} of ${file.bad} bad rows;` +
        ` ${reached.assigned.toLocaleString()} of ${reached.leads.toLocaleString()} leads assigned by rule to ${reached.owners} reps (${spread[0]?.fewest ?? 0}–${spread[0]?.most ?? 0} each) and ${reached.scored.toLocaleString()} scored and graded;` +
        ` ${queued.toLocaleString()} flow events queued; ${history.toLocaleString()} history entries;` +
        // The import's own CPU: validation, rules, assignment, statements (with PGlite also the database).
        ` ${((main.cpuMs * 1000) / report.total).toFixed(0)} µs of this process's CPU a row)` +
        `; ${(rate / baseRate).toFixed(1)}× row by row` +
        (options.kind === 'postgres'
          ? `; goal ≥ ${GOAL_ROWS_PER_SECOND.toLocaleString()} rows/s: ${rate >= GOAL_ROWS_PER_SECOND ? 'met' : 'NOT met'}`
          : ''),
    );
    if (
      report.created + report.skipped + report.rejected.length !== report.total ||
      queued !== report.created ||
      reached.assigned !== reached.leads ||
      reached.scored !== reached.leads
    )
      log(`${label} WARNING: the report, the queued events or the assigned and scored leads do not add up`);

    // What follows in the flows (follow-up task, notice, welcome e-mail, reminder timers): one worker
    // process's runtime for a fixed time.
    const pending = () =>
      count(
        db,
        sql<{ n: number }>`select count(*)::int as n from dougong.flow_events where dispatched_at is null`,
      );
    const steps = () =>
      count(
        db,
        sql<{ n: number }>`select count(*)::int as n from dougong.flow_steps where finished_at is not null`,
      );
    const taskModel = repo.entity('task');
    const taskTable = sql.table(`${taskModel.schemaName}.${taskModel.tableName}`);
    const tasks = () => count(db, sql<{ n: number }>`select count(*)::int as n from ${taskTable}`);
    const pendingBefore = await pending();
    const stepsBefore = await steps();
    const tasksBefore = await tasks();
    const worker = new FlowWorker(
      new FlowRuntime({
        db,
        store,
        external: NULL_PERFORMERS,
        workerId: 'import-bench',
        batchSize: options.kind === 'postgres' ? 32 : 50,
        concurrency: options.kind === 'postgres' ? 8 : 1,
      }),
      { pollMs: 5 },
    );
    const t0 = performance.now();
    worker.start();
    await new Promise((r) => setTimeout(r, drainSeconds * 1000));
    await worker.stop();
    const elapsed = (performance.now() - t0) / 1000;
    const dispatched = pendingBefore - (await pending());
    const stepsDone = (await steps()) - stepsBefore;
    const tasksMade = (await tasks()) - tasksBefore;
    log(
      `${label} follow-up flows (one worker for ${elapsed.toFixed(0)} s, a sample): ${dispatched.toLocaleString()} of ${pendingBefore.toLocaleString()} events dispatched = ${(dispatched / elapsed).toFixed(0)} /s;` +
        ` ${stepsDone.toLocaleString()} steps finished = ${(stepsDone / elapsed).toFixed(0)} /s; ${tasksMade.toLocaleString()} follow-up tasks created = ${(tasksMade / elapsed).toFixed(0)} /s`,
    );
  } finally {
    await database.close();
    await cleanup();
  }
}
