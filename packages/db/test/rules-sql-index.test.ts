import { compileRuleToSql, interpret, type SqlField, truthy } from '@dougong/rules';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

// The records API embeds compileRuleToSql in WHERE clauses over indexed columns, so typical filters
// must be sargable: the plan has to reach the btree index, not scan the table. Selective predicates
// over 5,000 analysed rows let the planner choose the index on its own (no enable_seqscan tricks).

const FIELDS: SqlField[] = [
  { key: 'code', column: 'f_code', kind: 'text' },
  { key: 'quantity', column: 'f_quantity', kind: 'integer' },
  { key: 'amount', column: 'f_amount', kind: 'decimal' },
  { key: 'due', column: 'f_due', kind: 'date' },
];
const CTX = { fields: FIELDS, now: new Date('2026-03-01T00:00:00Z'), tableAlias: 'r' };
const ROWS = 5_000;
const v = (key: string) => ({ var: key });

/** Row i as the interpreter sees it; every fifth row has NULLs, so the NULL cases are exercised too. */
function record(i: number): Record<string, unknown> {
  const blank = i % 5 === 4;
  const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  return {
    code: blank ? null : `C${String(i).padStart(5, '0')}`,
    quantity: blank ? null : i,
    amount: blank ? null : `${i}.50`,
    due: blank ? null : day,
  };
}

const FILTERS: [string, unknown][] = [
  ['== on text', { '==': [v('code'), 'C00042'] }],
  ['> on integer', { '>': [v('quantity'), 4_990] }],
  ['<= on integer', { '<=': [v('quantity'), -1] }],
  ['< on integer (literal on the left)', { '<': [4_990, v('quantity')] }],
  ['dec_gte on numeric', { dec_gte: [v('amount'), '4990.25'] }],
  ['date_gte on date', { date_gte: [v('due'), '2033-09-01'] }],
  ['date_lt on date', { date_lt: [v('due'), '2020-01-05'] }],
  ['in on text', { in: [v('code'), ['C00042', 'C00043', 'C00044']] }],
  ['and of two', { and: [{ '==': [v('code'), 'C00042'] }, { '>': [v('quantity'), 10] }] }],
];

/** Every node type in an EXPLAIN (FORMAT JSON) plan tree. */
function nodeTypes(plan: Record<string, unknown>): string[] {
  const children = (plan.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [plan['Node Type'] as string, ...children.flatMap(nodeTypes)];
}

describe('rules SQL is index-friendly', () => {
  let handle: TestDatabase;
  const db = () => handle.db;

  beforeAll(async () => {
    handle = await createTestDatabase();
    await sql`CREATE TABLE rules_idx (id int PRIMARY KEY, f_code text, f_quantity int8, f_amount numeric,
      f_due date)`.execute(db());
    for (const column of ['f_code', 'f_quantity', 'f_amount', 'f_due']) {
      await sql`CREATE INDEX ${sql.id(`rules_idx_${column}`)} ON rules_idx (${sql.id(column)})`.execute(db());
    }
    await sql`INSERT INTO rules_idx
      SELECT g,
        CASE WHEN g % 5 = 4 THEN NULL ELSE 'C' || lpad(g::text, 5, '0') END,
        CASE WHEN g % 5 = 4 THEN NULL ELSE g END,
        CASE WHEN g % 5 = 4 THEN NULL ELSE g + 0.50 END,
        CASE WHEN g % 5 = 4 THEN NULL ELSE DATE '2020-01-01' + g END
      FROM generate_series(0, ${ROWS - 1}::int) AS g`.execute(db());
    await sql`ANALYZE rules_idx`.execute(db());
  });
  afterAll(async () => {
    await handle?.close();
  });

  it.each(FILTERS)('%s uses an index scan', async (_name, rule) => {
    const where = compileRuleToSql(rule, CTX) as RawBuilder<unknown>;
    const explained = await sql<{
      'QUERY PLAN': unknown;
    }>`EXPLAIN (FORMAT JSON) SELECT id FROM rules_idx AS r WHERE ${where}`.execute(db());
    const raw = explained.rows[0]!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Record<string, unknown> }[];
    const types = nodeTypes(plan[0]!.Plan);
    expect(
      types.some((t) => t === 'Index Scan' || t === 'Index Only Scan' || t === 'Bitmap Index Scan'),
      `${types.join(' > ')}\n${where.compile(db()).sql}`,
    ).toBe(true);
    expect(types).not.toContain('Seq Scan');
  });

  it.each(FILTERS)('%s selects exactly the interpreter-truthy rows', async (_name, rule) => {
    const where = compileRuleToSql(rule, CTX) as RawBuilder<unknown>;
    const selected = await sql<{
      id: number;
    }>`SELECT id FROM rules_idx AS r WHERE ${where} ORDER BY id`.execute(db());
    const expected: number[] = [];
    for (let i = 0; i < ROWS; i++) if (truthy(interpret(rule, record(i), { now: CTX.now }))) expected.push(i);
    expect(selected.rows.map((row) => Number(row.id))).toEqual(expected);
  });
});
