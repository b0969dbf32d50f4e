import { compileRuleToSql, interpret, RuleError, type SqlField, truthy } from '@dougong/rules';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

// The SQL backend must select exactly the rows on which the interpreter is truthy. Random rows (nulls,
// empty strings, Chinese text, dates around Shanghai midnight, decimals of several scales) are inserted
// once; random rules are then compared in batches, many rules per round trip via FILTER (WHERE …).

const NOW = new Date('2026-02-28T16:30:00Z'); // 2026-03-01 00:30 in Shanghai
const FIELDS: SqlField[] = [
  { key: 't', column: 't', kind: 'text' },
  { key: 't2', column: 't2', kind: 'text' },
  { key: 'i', column: 'i', kind: 'integer' },
  { key: 'i2', column: 'i2', kind: 'integer' },
  { key: 'm', column: 'm', kind: 'decimal' },
  { key: 'm2', column: 'm2', kind: 'decimal' },
  { key: 'b', column: 'b', kind: 'boolean' },
  { key: 'd', column: 'd', kind: 'date' },
  { key: 'd2', column: 'd2', kind: 'date' },
  { key: 'ts', column: 'ts', kind: 'datetime' },
  { key: 'ts2', column: 'ts2', kind: 'datetime' },
  { key: 'tags', column: 'tags', kind: 'textArray' },
  { key: 'u', column: 'u', kind: 'uuid' },
];
const CTX = { fields: FIELDS, now: NOW, user: { id: 'u-1', departmentIds: ['east'] }, tableAlias: 'r' };

const TEXTS = [
  '',
  'a',
  'A',
  'abc',
  'ABC',
  'b',
  'Zebra',
  '华东',
  '华东上海',
  '上海',
  '0',
  '1',
  ' 1',
  'é',
  'E',
  'east',
  'x,y',
];
const DECIMALS = [
  '0',
  '0.00',
  '0.10',
  '0.1',
  '1',
  '1.00',
  '1234.50',
  '1234.5',
  '-0.5',
  '99.999',
  '100',
  '100.00',
  '5',
];
const DATES = [
  '2026-02-28',
  '2026-03-01',
  '2026-03-02',
  '2025-12-31',
  '2026-01-31',
  '2024-02-29',
  '2026-02-23',
];
const STAMPS = [
  '2026-02-28T15:59:59.999Z',
  '2026-02-28T16:00:00.000Z',
  '2026-02-28T16:30:00.000Z',
  '2026-02-28T23:59:59.000Z',
  '2026-03-01T00:00:00.000Z',
  '2026-01-31T12:00:00.000Z',
  '2025-12-31T16:00:00.000Z',
];
const UUIDS = [
  '00000000-0000-4000-8000-000000000001',
  'a0000000-0000-4000-8000-00000000000f',
  'ffffffff-0000-4000-8000-000000000000',
];
const OPTIONS = ['vip', 'new', 'old'];

const orNull = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: arb });
const rowArb = fc.record({
  t: orNull(fc.constantFrom(...TEXTS)),
  t2: orNull(fc.constantFrom(...TEXTS)),
  i: orNull(fc.integer({ min: -3, max: 5 })),
  i2: orNull(fc.integer({ min: -3, max: 5 })),
  m: orNull(fc.constantFrom(...DECIMALS)),
  m2: orNull(fc.constantFrom(...DECIMALS)),
  b: orNull(fc.boolean()),
  d: orNull(fc.constantFrom(...DATES)),
  d2: orNull(fc.constantFrom(...DATES)),
  ts: orNull(fc.constantFrom(...STAMPS)),
  ts2: orNull(fc.constantFrom(...STAMPS)),
  tags: orNull(fc.subarray(OPTIONS)),
  u: orNull(fc.constantFrom(...UUIDS)),
});

// ---- random rules over the SQL subset (and some outside it, which must be rejected, not mis-run) ----
const LITERALS = [
  null,
  true,
  false,
  0,
  1,
  -1,
  2.5,
  5,
  100,
  1234.5,
  '',
  '0',
  '1',
  '5',
  '1.00',
  '1234.50',
  'a',
  'abc',
  '华东',
  'east',
  ...DATES,
  '2026-3-1',
  UUIDS[0]!,
  'vip',
  'x,y',
];
const anyLiteral = fc.constantFrom(...LITERALS);
const v = (key: string) => ({ var: key });
const keys = FIELDS.map((f) => f.key);
const SAME_KIND: [string, string][] = [
  ['t', 't2'],
  ['i', 'i2'],
  ['m', 'm2'],
  ['d', 'd2'],
  ['ts', 'ts2'],
  ['i', 'm'],
  ['u', 'u'],
  ['b', 'b'],
];
const CMP = ['==', '!=', '===', '!==', '<', '<=', '>', '>='] as const;

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...CMP), fc.constantFrom(...keys), anyLiteral, fc.boolean())
    .map(([op, k, l, left]) => ({
      [op]: left ? [v(k), l] : [l, v(k)],
    })),
  fc
    .tuple(fc.constantFrom(...CMP), fc.constantFrom(...SAME_KIND))
    .map(([op, [a, b]]) => ({ [op]: [v(a), v(b)] })),
  fc
    .tuple(fc.constantFrom(...keys), fc.array(anyLiteral, { maxLength: 4 }))
    .map(([k, list]) => ({ in: [v(k), list] })),
  fc
    .tuple(fc.constantFrom('vip', 'new', 'x', 1), fc.constantFrom('tags', 't'))
    .map(([l, k]) => ({ in: [l, v(k)] })),
  fc
    .tuple(fc.constantFrom('t', 'u', 'm'), fc.constantFrom('华东上海', 'abc,x', '1234.50'))
    .map(([k, hay]) => ({ in: [v(k), hay] })),
  fc
    .tuple(fc.constantFrom(...keys), fc.array(anyLiteral, { maxLength: 3 }))
    .map(([k, list]) => ({ in_list: [v(k), list] })),
  fc
    .tuple(fc.constantFrom('i', 'm', 'd', 't', 'b'), anyLiteral, anyLiteral)
    .map(([k, lo, hi]) => ({ between: [v(k), lo, hi] })),
  fc
    .tuple(
      fc.constantFrom(
        'contains',
        'contains_ci',
        'starts_with',
        'starts_with_ci',
        'ends_with',
        'ends_with_ci',
      ),
      fc.constantFrom('t', 'u', 'm'),
      fc.constantFrom('', 'a', 'A', 'b', '华东', '上海', '1', '.50', '0000', 12, null),
    )
    .map(([op, k, l]) => ({ [op]: [v(k), l] })),
  fc
    .tuple(fc.constantFrom('is_empty', 'is_not_empty'), fc.constantFrom(...keys))
    .map(([op, k]) => ({ [op]: [v(k)] })),
  fc.constantFrom(...keys).map((k) => v(k)),
  fc.constantFrom(...keys).map((k) => ({ '!!': [v(k)] })),
  fc
    .tuple(
      fc.constantFrom('date_eq', 'date_ne', 'date_lt', 'date_lte', 'date_gt', 'date_gte'),
      fc.constantFrom('d', 'ts'),
      fc.constantFrom<unknown>(
        { today: [] },
        v('d2'),
        v('ts2'),
        '2026-03-01',
        '2026-02-28T16:00:00Z',
        null,
        'junk',
      ),
    )
    .map(([op, k, other]) => ({ [op]: [v(k), other] })),
  fc
    .tuple(
      fc.constantFrom('datetime_eq', 'datetime_lt', 'datetime_lte', 'datetime_gt', 'datetime_gte'),
      fc.constantFrom('ts', 'd'),
      fc.constantFrom<unknown>(
        { now: [] },
        v('ts2'),
        '2026-03-01',
        '2026-02-28T16:00:00Z',
        '2026-02-28T15:59:59.999Z',
      ),
    )
    .map(([op, k, other]) => ({ [op]: [v(k), other] })),
  fc
    .tuple(
      fc.constantFrom('<', '>=', '=='),
      fc.constantFrom('d', 'ts'),
      fc.constantFrom<unknown>({ today: [] }, v('d2')),
      fc.integer({ min: -40, max: 40 }),
    )
    .map(([op, k, other, n]) => ({ [op]: [{ date_diff_days: [v(k), other] }, n] })),
  fc
    .tuple(fc.constantFrom('>', '<='), fc.constantFrom('ts'), fc.integer({ min: -30, max: 30 }))
    .map(([op, k, n]) => ({ [op]: [{ datetime_diff_hours: [v(k), { now: [] }] }, n] })),
  fc
    .tuple(
      fc.constantFrom('start_of_week', 'start_of_month', 'start_of_quarter', 'start_of_year'),
      fc.constantFrom('d', 'ts'),
      fc.constantFrom(...DATES),
    )
    .map(([op, k, d]) => ({ '==': [{ [op]: [v(k)] }, d] })),
  fc
    .tuple(
      fc.constantFrom('d', 'ts'),
      fc.integer({ min: -2, max: 2 }),
      fc.constantFrom('day', 'week', 'month', 'year', 'hour'),
      fc.constantFrom(...DATES),
    )
    .map(([k, n, unit, d]) => ({ date_lte: [{ date_add: [v(k), n, unit] }, d] })),
  fc
    .tuple(
      fc.constantFrom('dec_eq', 'dec_ne', 'dec_lt', 'dec_lte', 'dec_gt', 'dec_gte'),
      fc.constantFrom('m', 'i'),
      fc.constantFrom<unknown>('1.5', '0', '1234.5', 5, v('m2'), null),
    )
    .map(([op, k, other]) => ({ [op]: [v(k), other] })),
  fc
    .tuple(
      fc.constantFrom('dec_add', 'dec_sub', 'dec_mul'),
      fc.constantFrom('dec_gt', 'dec_eq'),
      fc.constantFrom('0', '100.00', '1235.5'),
    )
    .map(([arith, cmp, l]) => ({ [cmp]: [{ [arith]: [v('m'), v('m2')] }, l] })),
  fc
    .tuple(fc.constantFrom('m'), fc.constantFrom('0.1', '1234.5'))
    .map(([k, l]) => ({ dec_eq: [{ dec_round: [v(k), 1] }, l] })),
  fc.constantFrom<unknown>(
    { regex_match: [v('t'), '^a'] },
    { changed: 't' },
    { '<': [v('t'), v('t2')] },
    { '==': [{ '+': [v('i'), 1] }, 2] },
  ),
);
const { ruleArb } = fc.letrec((tie) => ({
  ruleArb: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('combo')),
  combo: fc.oneof(
    fc.array(tie('ruleArb'), { minLength: 1, maxLength: 3 }).map((parts) => ({ and: parts })),
    fc.array(tie('ruleArb'), { minLength: 1, maxLength: 3 }).map((parts) => ({ or: parts })),
    tie('ruleArb').map((r) => ({ '!': [r] })),
    fc.tuple(tie('ruleArb'), tie('ruleArb'), tie('ruleArb')).map((parts) => ({ if: parts })),
  ),
}));

describe('SQL backend selects exactly the interpreter-truthy rows', () => {
  let handle: TestDatabase;
  let records: { id: number; record: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase();
    await sql`CREATE TABLE rules_diff (id int PRIMARY KEY, t text, t2 text, i int8, i2 int8, m numeric, m2 numeric,
      b boolean, d date, d2 date, ts timestamptz, ts2 timestamptz, tags text[], u uuid)`.execute(handle.db);
    const rows = fc.sample(rowArb, { numRuns: 300, seed: 42 }).map((row, id) => ({ id, ...row }));
    for (let start = 0; start < rows.length; start += 100) {
      await handle.db
        .insertInto('rules_diff')
        .values(rows.slice(start, start + 100))
        .execute();
    }
    const stored = await sql<Record<string, unknown>>`SELECT * FROM rules_diff ORDER BY id`.execute(
      handle.db,
    );
    records = stored.rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const [k, value] of Object.entries(row))
        record[k] = value instanceof Date ? value.toISOString() : value;
      return { id: row.id as number, record };
    });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('stores the values the interpreter sees', () => {
    expect(records).toHaveLength(300);
    const sample = records.find((r) => r.record.m !== null)!;
    expect(typeof sample.record.m).toBe('string');
  });

  it('agrees on ≥ 10,000 rule × row cases', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    const rules = fc.sample(ruleArb, { numRuns: 400, seed });
    type Compiled = ReturnType<typeof compileRuleToSql>;
    const accepted: { rule: unknown; where: Compiled; twoValued: Compiled }[] = [];
    let rejected = 0;
    for (const rule of rules) {
      try {
        accepted.push({
          rule,
          where: compileRuleToSql(rule, CTX),
          twoValued: compileRuleToSql(rule, { ...CTX, twoValued: true }),
        });
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        expect(['not_expressible_in_sql', 'invalid_argument']).toContain(error.code);
        rejected++;
      }
    }
    let cases = 0;
    for (let start = 0; start < accepted.length; start += 40) {
      const batch = accepted.slice(start, start + 40);
      // r<i>: the rows the WHERE predicate selects; x<i>: rows where the two-valued form is NULL or
      // disagrees with it (must be none).
      const columns = batch.flatMap((b, i) => [
        sql`coalesce(array_agg(r.id ORDER BY r.id) FILTER (WHERE ${b.where}), '{}') AS ${sql.id(`r${i}`)}`,
        sql`coalesce(array_agg(r.id) FILTER (WHERE (${b.twoValued}) IS DISTINCT FROM ((${b.where}) IS TRUE)), '{}')
          AS ${sql.id(`x${i}`)}`,
      ]);
      const result = await sql<
        Record<string, number[]>
      >`SELECT ${sql.join(columns)} FROM rules_diff AS r`.execute(handle.db);
      const row = result.rows[0]!;
      batch.forEach((b, i) => {
        const expected = records
          .filter(({ record }) => {
            try {
              return truthy(interpret(b.rule, record, { now: NOW, user: CTX.user }));
            } catch {
              return 'error';
            }
          })
          .map((r) => r.id);
        const actual = (row[`r${i}`] ?? []).map(Number);
        const twoValuedWrong = (row[`x${i}`] ?? []).map(Number);
        if (twoValuedWrong.length > 0) {
          expect.fail(`seed ${seed}: ${JSON.stringify(b.rule)}\ntwo-valued form wrong on ${twoValuedWrong}`);
        }
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          const only = (xs: number[], ys: number[]) => xs.filter((x) => !ys.includes(x)).slice(0, 3);
          const show = (ids: number[]) => ids.map((id) => records[id]!.record);
          expect.fail(
            `seed ${seed}: ${JSON.stringify(b.rule)}\nSQL only: ${JSON.stringify(show(only(actual, expected)))}\nJS only: ${JSON.stringify(show(only(expected, actual)))}`,
          );
        }
        cases += records.length;
      });
    }
    console.log(`rules accepted ${accepted.length}, rejected ${rejected}, cases ${cases}`);
    expect(accepted.length).toBeGreaterThan(rejected);
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });
});
