import { type Kysely, sql } from 'kysely';
import {
  compileRule,
  compileRuleToSql,
  type EvalContext,
  interpret,
  type SqlField,
  truthy,
} from '../../packages/rules/src/index.js';

/** Options for {@link runRulesBench}. */
export interface RulesBenchOptions {
  /** Records to evaluate (default 1,000,000). */
  rows?: number;
  log: (line: string) => void;
  /** When given, also time the segment filter in SQL against fetching the rows and filtering in JS. */
  db?: Kysely<any>;
}

const NOW = new Date('2026-03-01T02:00:00Z');
const CTX: EvalContext = { now: NOW, user: { id: 'u-1', departmentIds: ['d-east'] } };
const REGIONS = ['east', 'north', 'south', 'west'];
const SOURCES = ['web', 'referral', 'event', 'ads'];
const INDUSTRIES = ['manufacturing', 'retail', 'finance', 'software'];

interface Lead {
  region: string;
  source: string;
  industry: string;
  employees: number;
  budget: string;
  email: string;
  created_on: string;
}

function leads(n: number): Lead[] {
  let seed = 42;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed;
  };
  return Array.from({ length: n }, () => ({
    region: REGIONS[next() % 4]!,
    source: SOURCES[next() % 4]!,
    industry: INDUSTRIES[next() % 4]!,
    employees: next() % 2_000,
    budget: `${next() % 500_000}.${String(next() % 100).padStart(2, '0')}`,
    email: next() % 10 === 0 ? '' : `lead${next() % 1000}@example.com`,
    created_on: `2026-02-${String((next() % 28) + 1).padStart(2, '0')}`,
  }));
}

const v = (key: string) => ({ var: key });
/** A realistic lead rule set: four assignment conditions and four scoring conditions. */
const RULES = [
  { and: [{ '==': [v('region'), 'east'] }, { dec_gte: [v('budget'), '100000'] }] },
  { and: [{ '==': [v('region'), 'east'] }, { in: [v('source'), ['web', 'ads']] }] },
  { or: [{ '==': [v('region'), 'north'] }, { '>=': [v('employees'), 1_500] }] },
  { and: [{ '!': [{ is_empty: [v('email')] }] }, { ends_with_ci: [v('email'), '@example.com'] }] },
  { '==': [v('industry'), 'manufacturing'] },
  { '>=': [v('employees'), 500] },
  { dec_gte: [v('budget'), '250000'] },
  { date_gte: [v('created_on'), { date_add: [{ today: [] }, -14, 'day'] }] },
];

/** The same logic written by hand, as the speed reference. */
function handWritten(lead: Lead): number {
  const budget = Number(lead.budget);
  let hits = 0;
  if (lead.region === 'east' && budget >= 100_000) hits++;
  if (lead.region === 'east' && (lead.source === 'web' || lead.source === 'ads')) hits++;
  if (lead.region === 'north' || lead.employees >= 1_500) hits++;
  if (lead.email !== '' && lead.email.toLowerCase().endsWith('@example.com')) hits++;
  if (lead.industry === 'manufacturing') hits++;
  if (lead.employees >= 500) hits++;
  if (budget >= 250_000) hits++;
  if (lead.created_on >= '2026-02-15') hits++;
  return hits;
}

/** Rounds per measurement; the fastest is reported, so JIT warm-up and GC pauses do not decide ratios. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function time(label: string, fn: () => number, log: (line: string) => void): { ms: number; hits: number } {
  let ms = Number.POSITIVE_INFINITY;
  let hits = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    hits = fn();
    ms = Math.min(ms, performance.now() - start);
  }
  log(`  ${label.padEnd(26)} ${ms.toFixed(0).padStart(7)} ms   (${hits} rule hits, best of ${ROUNDS})`);
  return { ms, hits };
}

/**
 * Evaluates a lead assignment + scoring rule set over N records three ways (json-logic-js interpreter,
 * compiled closures, hand-written TypeScript) and prints the ratios; with `db`, also times the first
 * assignment segment as SQL against fetching every row and filtering in JS.
 */
export async function runRulesBench(opts: RulesBenchOptions): Promise<void> {
  const rows = opts.rows ?? 1_000_000;
  const { log } = opts;
  const data = leads(rows);
  log(`rules bench: ${RULES.length} rules × ${rows} records`);
  const compiled = RULES.map((r) => compileRule(r));
  const interp = time(
    'json-logic-js interpreter',
    () => {
      let hits = 0;
      for (const lead of data) for (const rule of RULES) if (truthy(interpret(rule, lead, CTX))) hits++;
      return hits;
    },
    log,
  );
  const comp = time(
    'compiled closures',
    () => {
      let hits = 0;
      for (const lead of data) for (const rule of compiled) if (truthy(rule(lead, CTX))) hits++;
      return hits;
    },
    log,
  );
  const hand = time(
    'hand-written TypeScript',
    () => {
      let hits = 0;
      for (const lead of data) hits += handWritten(lead);
      return hits;
    },
    log,
  );
  if (interp.hits !== comp.hits || comp.hits !== hand.hits) log('  WARNING: the three evaluations disagree');
  log(`  compiled is ${(interp.ms / comp.ms).toFixed(1)}× faster than json-logic-js (goal ≥ 5×)`);
  log(`  compiled is ${(comp.ms / hand.ms).toFixed(1)}× the hand-written time (goal ≤ 3×)`);

  if (!opts.db) {
    log('  SQL segment: skipped (no database)');
    return;
  }
  const db = opts.db;
  const fields: SqlField[] = [
    { key: 'region', column: 'region', kind: 'text' },
    { key: 'source', column: 'source', kind: 'text' },
    { key: 'budget', column: 'budget', kind: 'decimal' },
  ];
  await sql`DROP TABLE IF EXISTS rules_bench_lead`.execute(db);
  await sql`CREATE TABLE rules_bench_lead (id int PRIMARY KEY, region text, source text, budget numeric)`.execute(
    db,
  );
  await sql`INSERT INTO rules_bench_lead
    SELECT g, (ARRAY['east','north','south','west'])[1 + g % 4], (ARRAY['web','referral','event','ads'])[1 + (g / 4) % 4],
           ((g::int8 * 7919) % 500000)::numeric + 0.5
    FROM generate_series(1, ${rows}::int) AS g`.execute(db);
  const segment = RULES[0]!;
  const where = compileRuleToSql(segment, { fields, now: NOW });
  let start = performance.now();
  const inSql = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM rules_bench_lead WHERE ${where}`.execute(db);
  const sqlMs = performance.now() - start;
  start = performance.now();
  const all = await sql<Record<string, unknown>>`SELECT region, source, budget FROM rules_bench_lead`.execute(
    db,
  );
  const rule = compileRule(segment);
  const inJs = all.rows.filter((row) => truthy(rule(row, CTX))).length;
  const jsMs = performance.now() - start;
  log(
    `  SQL segment: ${sqlMs.toFixed(0)} ms in SQL vs ${jsMs.toFixed(0)} ms fetching + filtering in JS (${inSql.rows[0]!.n} / ${inJs} rows)`,
  );
  await sql`DROP TABLE rules_bench_lead`.execute(db);
}
