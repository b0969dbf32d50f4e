import { Kysely, PostgresDialect, type RawBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compileRuleToSql, RuleError, type SqlField } from '../src/index.js';

// Pure checks of the SQL compiler: what it rejects, where, and that values only travel as parameters.
// (Agreement with the interpreter is tested on real databases in packages/db/test/rules-sql-*.test.ts.)

const FIELDS: SqlField[] = [
  { key: 'name', column: 'name', kind: 'text' },
  { key: 'qty', column: 'qty', kind: 'integer' },
  { key: 'amount', column: 'amount', kind: 'decimal' },
  { key: 'at', column: 'created_at', kind: 'datetime' },
  { key: 'tags', column: 'tags', kind: 'textArray' },
  { key: 'due', column: 'due', kind: 'date' },
];
const ctx = { fields: FIELDS, now: new Date('2026-03-01T00:00:00Z') };
const v = (key: string) => ({ var: key });
// A dialect that never connects: only used to compile SQL text.
const db = new Kysely<never>({ dialect: new PostgresDialect({ pool: {} as never }) });
const compiled = (rule: unknown) => (compileRuleToSql(rule, ctx) as RawBuilder<unknown>).compile(db);

describe('compileRuleToSql rejections', () => {
  it.each<[string, unknown, string, string]>([
    ['changed', { and: [true, { changed: 'name' }] }, 'not_expressible_in_sql', '/and/1/changed'],
    ['map over a field', { some: [v('tags'), { '==': [v(''), 'x'] }] }, 'not_expressible_in_sql', '/some'],
    ['arithmetic over fields', { '<': [{ '+': [v('qty'), 1] }, 5] }, 'not_expressible_in_sql', '/</0/+'],
    [
      'text vs number (JS Number() coercion)',
      { and: [true, { '<': [v('name'), 5] }] },
      'not_expressible_in_sql',
      '/and/1/<',
    ],
    ['ordering two text fields', { '<': [v('name'), v('name')] }, 'not_expressible_in_sql', '/<'],
    [
      'generic compare of a datetime',
      { '==': [v('at'), '2026-03-01T00:00:00Z'] },
      'not_expressible_in_sql',
      '/==',
    ],
    ['regex', { regex_match: [v('name'), '^a'] }, 'not_expressible_in_sql', '/regex_match'],
    [
      'dec_div',
      { dec_gt: [{ dec_div: [v('amount'), '3'] }, '1'] },
      'not_expressible_in_sql',
      '/dec_gt/0/dec_div',
    ],
    ['unknown field', { '==': [v('nope'), 1] }, 'unknown_field', '/==/0/var'],
    [
      'computed var path',
      { '==': [{ var: { cat: ['na', v('name')] } }, 1] },
      'not_expressible_in_sql',
      '/==/0/var',
    ],
    ['forbidden path', { var: 'constructor' }, 'forbidden_path', '/var'],
    [
      'and used as a value',
      { '==': [{ and: [v('name'), v('qty')] }, 1] },
      'not_expressible_in_sql',
      '/==/0/and',
    ],
  ])('rejects %s', (_name, rule, code, path) => {
    try {
      compileRuleToSql(rule, ctx);
      expect.fail('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(RuleError);
      expect((error as RuleError).code).toBe(code);
      expect((error as RuleError).path).toBe(path);
    }
  });

  it('passes values as parameters and identifiers only from the field map', () => {
    const evil = "x'); DROP TABLE lead; --";
    const query = compiled({ or: [{ '==': [v('name'), evil] }, { contains: [v('name'), evil] }] });
    expect(query.sql).not.toContain('DROP');
    expect(query.parameters).toContain(evil);
    expect(query.sql).toContain('"name"');
  });

  it('qualifies columns with the table alias', () => {
    const where = compileRuleToSql(
      { '>': [v('qty'), 1] },
      { ...ctx, tableAlias: 'l' },
    ) as RawBuilder<unknown>;
    expect(where.compile(db).sql).toContain('"l"."qty"');
  });

  it('folds constant parts, context operations included', () => {
    expect(() => compiled({ '==': [{ current_user: [] }, 'u-1'] })).toThrow(/current_user needs ctx.user/);
    expect(compiled({ and: [{ '<': [1, 2] }, { '!!': [v('name')] }] }).sql).toMatch(/"name"/);
    const withUser = compileRuleToSql(
      { '==': [{ current_user: [] }, 'u-1'] },
      { ...ctx, user: { id: 'u-1' } },
    );
    expect((withUser as RawBuilder<unknown>).compile(db).sql).toBe('true');
  });

  it('is two-valued (never NULL) for nullable operands', () => {
    expect(compiled({ '<': [v('qty'), 5] }).sql).toMatch(/IS NULL OR/);
  });
});

describe('compileRuleToSql WHERE predicates are index-friendly', () => {
  it.each<[string, unknown, string]>([
    ['== on text', { '==': [v('name'), 'east'] }, '("name" = $1::text)'],
    ['> on integer: no float cast, no NULL guard', { '>': [v('qty'), 5] }, '("qty" > $1::int8)'],
    ['literal on the left', { '<': [5, v('qty')] }, '("qty" > $1::int8)'],
    ['fractional literal compares as numeric', { '>=': [v('qty'), 2.5] }, '("qty" >= $1::numeric)'],
    [
      'null <= 10 is true in JS: the guard stays',
      { '<=': [v('qty'), 10] },
      '("qty" IS NULL OR ("qty" <= $1::int8))',
    ],
    ['dec_gte', { dec_gte: [v('amount'), '100000'] }, '("amount" >= $1::numeric)'],
    ['date_gte', { date_gte: [v('due'), '2026-02-15'] }, '("due" >= $1::date)'],
    ['date_lt against today', { date_lt: [v('due'), { today: [] }] }, '("due" < $1::date)'],
    ['in a literal list', { in: [v('name'), ['web', 'ads']] }, '("name" = ANY($1::text[]))'],
    [
      'and of two',
      { and: [{ '==': [v('name'), 'east'] }, { dec_gte: [v('amount'), '1'] }] },
      '(("name" = $1::text) AND ("amount" >= $2::numeric))',
    ],
    [
      'or under if',
      { if: [{ '>': [v('qty'), 1] }, { '==': [v('name'), 'a'] }, false] },
      '(CASE WHEN ("qty" > $1::int8) THEN ("name" = $2::text) ELSE false END)',
    ],
  ])('%s', (_name, rule, expected) => {
    expect(compiled(rule).sql).toBe(expected);
  });

  it('keeps exact NULL handling under negation', () => {
    expect(compiled({ '!': [{ '>': [v('qty'), 5] }] }).sql).toBe(
      '(NOT ("qty" IS NOT NULL AND ("qty" > $1::int8)))',
    );
    expect(compiled({ '!': [{ dec_gte: [v('amount'), '1'] }] }).sql).toBe(
      '(NOT coalesce(("amount" >= $1::numeric), false))',
    );
    expect(compiled({ or: [{ '!': [{ '==': [v('name'), 'a'] }] }, { '>': [v('qty'), 5] }] }).sql).toBe(
      '((NOT ("name" IS NOT NULL AND ("name" = $1::text))) OR ("qty" > $2::int8))',
    );
  });

  it('stays two-valued with twoValued', () => {
    const twoValued = (rule: unknown) =>
      (compileRuleToSql(rule, { ...ctx, twoValued: true }) as RawBuilder<unknown>).compile(db).sql;
    expect(twoValued({ '>': [v('qty'), 5] })).toBe('("qty" IS NOT NULL AND ("qty" > $1::int8))');
    expect(twoValued({ dec_gte: [v('amount'), '1'] })).toBe('coalesce(("amount" >= $1::numeric), false)');
    expect(twoValued({ in: [v('name'), ['a', 'b']] })).toBe(
      '("name" IS NOT NULL AND ("name" = ANY($1::text[])))',
    );
  });
});
