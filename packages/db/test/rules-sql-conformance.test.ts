import { readFileSync } from 'node:fs';
import {
  compileRuleToSql,
  type FieldKind,
  interpret,
  RuleError,
  type SqlField,
  truthy,
} from '@dougong/rules';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

const FIXTURES = new URL('../../../../shared/conformance/jsonlogic-fixtures.json', import.meta.url);
const NOW = new Date('2026-02-28T16:30:00Z'); // 2026-03-01 00:30 in Shanghai

const SQL_TYPES: Record<FieldKind, string> = {
  text: 'text',
  integer: 'int8',
  decimal: 'numeric',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
  textArray: 'text[]',
  uuid: 'uuid',
};

/** A flat record's fields as typed columns, or null when a value has no column kind. */
function inferFields(data: unknown): { fields: SqlField[]; values: unknown[] } | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { fields: [], values: [] };
  const fields: SqlField[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(data)) {
    let kind: FieldKind;
    if (typeof value === 'string' || value === null) kind = 'text';
    else if (typeof value === 'boolean') kind = 'boolean';
    else if (typeof value === 'number' && Number.isSafeInteger(value)) kind = 'integer';
    else if (Array.isArray(value) && value.every((x) => typeof x === 'string')) kind = 'textArray';
    else return null;
    fields.push({ key, column: `c_${fields.length}`, kind });
    values.push(value);
  }
  return { fields, values };
}

/**
 * Evaluates a rule both ways on one typed row: the default WHERE predicate (`r`: whether it selects the
 * row, i.e. IS TRUE) and the two-valued condition (`exact`: must be a boolean, never NULL).
 */
async function evalOnDb(
  db: TestDatabase['db'],
  fields: readonly SqlField[],
  values: readonly unknown[],
  compile: (twoValued: boolean) => RawBuilder<unknown>,
) {
  const cols = fields.map((f, i) => sql`${values[i]}::${sql.raw(SQL_TYPES[f.kind])} AS ${sql.id(f.column)}`);
  const source = cols.length ? sql`SELECT ${sql.join(cols)}` : sql`SELECT 1 AS one`;
  const result = await sql<{ r: boolean; exact: boolean | null }>`SELECT (${compile(false)}) IS TRUE AS r,
    (${compile(true)}) AS exact FROM (${source}) AS t`.execute(db);
  const { r, exact } = result.rows[0]!;
  expect(exact, 'the two-valued form agrees with the predicate and is never NULL').toBe(r);
  return r;
}

describe('rules SQL conformance', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('runs every JsonLogic fixture the SQL compiler accepts, with the interpreter truthiness', async () => {
    const entries = JSON.parse(readFileSync(FIXTURES, 'utf8')) as unknown[];
    let accepted = 0;
    let rejected = 0;
    for (const entry of entries) {
      if (typeof entry === 'string') continue;
      const [rule, data] = entry as [unknown, unknown];
      const typed = inferFields(data);
      if (!typed) {
        rejected++;
        continue;
      }
      const where = (twoValued: boolean) =>
        compileRuleToSql(rule, {
          fields: typed.fields,
          now: NOW,
          tableAlias: 't',
          twoValued,
        }) as RawBuilder<unknown>;
      try {
        where(false);
      } catch (error) {
        expect(error).toBeInstanceOf(RuleError);
        rejected++;
        continue;
      }
      accepted++;
      const expected = truthy(interpret(rule, data));
      expect(await evalOnDb(handle.db, typed.fields, typed.values, where), JSON.stringify([rule, data])).toBe(
        expected,
      );
    }
    expect(accepted).toBeGreaterThan(150);
    expect(accepted + rejected).toBe(289);
  });

  const FIELDS: SqlField[] = [
    { key: 'region', column: 'region', kind: 'text' },
    { key: 'qty', column: 'qty', kind: 'integer' },
    { key: 'amount', column: 'amount', kind: 'decimal' },
    { key: 'won', column: 'won', kind: 'boolean' },
    { key: 'due', column: 'due', kind: 'date' },
    { key: 'at', column: 'at', kind: 'datetime' },
    { key: 'tags', column: 'tags', kind: 'textArray' },
    { key: 'owner', column: 'owner', kind: 'uuid' },
  ];
  const OWNER = '00000000-0000-4000-8000-000000000001';
  type Row = [
    region: string | null,
    qty: number | null,
    amount: string | null,
    won: boolean | null,
    due: string | null,
    at: string | null,
    tags: string[] | null,
    owner: string | null,
  ];
  const ROWS: Row[] = [
    ['华东', 5, '1234.50', true, '2026-03-01', '2026-02-28T16:00:00.000Z', ['vip'], OWNER],
    ['', 0, '0.00', false, '2026-02-28', '2026-02-28T15:59:59.999Z', [], null],
    [null, null, null, null, null, null, null, null],
    ['East', -1, '0.10', true, '2026-12-31', '2026-03-01T00:00:00.000Z', ['new', 'old'], OWNER],
  ];
  const v = (key: string) => ({ var: key });
  const CASES: [string, unknown][] = [
    ['null < 5 is true in JS', { '<': [v('qty'), 5] }],
    ['null == 0 is false in JS', { '==': [v('qty'), 0] }],
    ['qty == "0"', { '==': [v('qty'), '0'] }],
    ['qty === 0', { '===': [v('qty'), 0] }],
    ['empty string is falsy', { '!!': [v('region')] }],
    ['"0.00" is truthy', { '!': [v('amount')] }],
    ['[] is falsy', v('tags')],
    ['decimal vs number', { '>': [v('amount'), 1000] }],
    ['decimal vs string compares as text', { '<': [v('amount'), '5'] }],
    ['decimal == string is textual', { '==': [v('amount'), '0.1'] }],
    ['dec_eq is numeric', { dec_eq: [v('amount'), '0.1'] }],
    ['dec_add', { dec_gt: [{ dec_add: [v('amount'), v('qty')] }, '1000'] }],
    ['boolean == 1', { '==': [v('won'), 1] }],
    ['date == string', { '==': [v('due'), '2026-03-01'] }],
    ['date < non-canonical string', { '<': [v('due'), '2026-3'] }],
    ['today in Shanghai', { date_eq: [v('due'), { today: [] }] }],
    ['datetime on the Shanghai date', { date_eq: [v('at'), '2026-03-01'] }],
    ['datetime before Shanghai midnight', { date_lt: [v('at'), { today: [] }] }],
    ['datetime vs now', { datetime_lt: [v('at'), { now: [] }] }],
    ['start_of_month of datetime', { '==': [{ start_of_month: [v('at')] }, '2026-03-01'] }],
    ['date_diff_days', { '>=': [{ date_diff_days: [v('due'), { today: [] }] }, 0] }],
    ['date_add month', { date_eq: [{ date_add: [v('due'), 1, 'month'] }, '2026-04-01'] }],
    ['contains Chinese', { contains: [v('region'), '华'] }],
    ['contains_ci', { contains_ci: [v('region'), 'EAST'] }],
    ['ends_with', { ends_with: [v('region'), '东'] }],
    ['is_empty', { is_empty: [v('region')] }],
    ['is_not_empty multi-select', { is_not_empty: [v('tags')] }],
    ['option in multi-select', { in: ['vip', v('tags')] }],
    ['in list', { in: [v('region'), ['华东', null]] }],
    ['in_list overlap', { in_list: [v('tags'), ['old', 'x']] }],
    ['between', { between: [v('qty'), 0, 5] }],
    ['3-arg <', { '<': [-2, v('qty'), 5] }],
    ['uuid equality', { '==': [v('owner'), OWNER] }],
    ['current user', { '==': [v('owner'), { current_user: [] }] }],
    ['if', { if: [v('won'), { '>': [v('qty'), 0] }, { is_empty: [v('due')] }] }],
  ];

  it.each(CASES)('agrees with the interpreter: %s', async (_name, rule) => {
    const ctx = { fields: FIELDS, now: NOW, user: { id: OWNER }, tableAlias: 't' };
    const where = (twoValued: boolean) =>
      compileRuleToSql(rule, { ...ctx, twoValued }) as RawBuilder<unknown>;
    for (const row of ROWS) {
      const record = Object.fromEntries(FIELDS.map((f, i) => [f.key, row[i]]));
      const expected = truthy(interpret(rule, record, { now: NOW, user: { id: OWNER } }));
      expect(await evalOnDb(handle.db, FIELDS, row, where), JSON.stringify(record)).toBe(expected);
    }
  });
});
