import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDateKey, canonicalEpochDay, parseDate, toEpochDay } from '../src/core/calendar.js';
import { compileRule, type EvalContext, evaluateRule, interpret } from '../src/index.js';
import { Dec, plainDecimalNumber } from '../src/ops/decimal-ops.js';
import { outcome } from './backends.js';

// The compiled backend specialises `var`-vs-literal comparisons, dec_/date_/text operations with a
// literal or context-constant side, `in` over literal lists, and shares one environment per context.
// Each fast path must agree with json-logic-js exactly; these cases aim at their edges.

const CTX: EvalContext = { now: new Date('2026-02-28T16:30:00Z') };
const VALUES: unknown[] = [
  null,
  undefined,
  true,
  false,
  0,
  -0,
  1,
  5,
  2.5,
  Number.NaN,
  '',
  '0',
  '5',
  '05',
  ' 5',
  'east',
  'East',
  '1234.50',
  '-0.5',
  '2026-03-01',
  '2026-02-30',
  '2026-02-28T16:00:00Z',
  [],
  ['east'],
  [5],
  {},
];
const LITERALS: unknown[] = [null, true, 0, 5, 2.5, '', '5', 'east', '1234.5', '2026-03-01', '2026-02-14'];
const OPS = ['==', '!=', '===', '!==', '<', '<=', '>', '>='];

const same = (rule: unknown, data: unknown, ctx: EvalContext = CTX) =>
  expect(
    outcome(() => evaluateRule(rule, data, ctx)),
    JSON.stringify({ rule, data }),
  ).toEqual(outcome(() => interpret(rule, data, ctx)));

describe('compiled fast paths agree with json-logic-js', () => {
  it('var vs literal comparisons, both orientations, every value type', () => {
    for (const op of OPS)
      for (const literal of LITERALS)
        for (const value of VALUES) {
          same({ [op]: [{ var: 'x' }, literal] }, { x: value });
          same({ [op]: [literal, { var: 'x' }] }, { x: value });
          same({ [op]: [{ var: 'x' }, literal] }, value); // scope is not an object
        }
  });

  it('dec_, date_ and text operations with a literal or context-constant side', () => {
    const rules = [
      ...['dec_eq', 'dec_ne', 'dec_lt', 'dec_lte', 'dec_gt', 'dec_gte'].flatMap((op) => [
        { [op]: [{ var: 'x' }, '1234.5'] },
        { [op]: [{ var: 'x' }, '-0'] },
      ]),
      ...['date_eq', 'date_ne', 'date_lt', 'date_gte'].flatMap((op) => [
        { [op]: [{ var: 'x' }, '2026-03-01'] },
        { [op]: [{ var: 'x' }, { date_add: [{ today: [] }, -1, 'day'] }] },
        { [op]: [{ var: 'x' }, '2026-02-28T16:00:00Z'] },
      ]),
      ...['contains_ci', 'starts_with_ci', 'ends_with_ci', 'ends_with', 'contains'].flatMap((op) => [
        { [op]: [{ var: 'x' }, 'EAST'] },
        { [op]: [{ var: 'x' }, ''] },
        { [op]: [{ var: 'x' }, 5] },
      ]),
      { in: [{ var: 'x' }, ['east', 5, null]] },
      { in: [{ var: 'x' }, 'eastern'] },
      { in_list: [{ var: 'x' }, ['east', 5]] },
      { '!': [{ is_empty: [{ var: 'x' }] }] },
      { is_not_empty: [{ var: 'x' }] },
    ];
    for (const rule of rules)
      for (const value of [...VALUES, '1234.50', 'EASTERN', 'Eas', '1e3']) same(rule, { x: value });
  });

  it('plain decimals compare as Decimal does', () => {
    const plain = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.integer({ min: 0, max: 8 }))
      .map(([neg, digits, scale]) => {
        const text = digits.toString().padStart(scale + 1, '0');
        const body = scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
        return neg ? `-${body}` : body;
      });
    fc.assert(
      fc.property(plain, plain, (a, b) => {
        const x = plainDecimalNumber(a);
        const y = plainDecimalNumber(b);
        if (Number.isNaN(x) || Number.isNaN(y)) return; // outside the fast path: the Decimal path decides
        expect(Math.sign(x - y) || 0).toBe(new Dec(a).comparedTo(new Dec(b)));
      }),
      { numRuns: 5_000 },
    );
    for (const text of ['', '-', '.5', '5.', '+5', '1e3', ' 5', '1234567890123456', '0x10'])
      expect(plainDecimalNumber(text)).toBeNaN();
  });

  it('canonical date keys parse exactly what parseDate accepts, in date order', () => {
    const text = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(
        ([y, m, d]) =>
          `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      );
    fc.assert(
      fc.property(text, text, (a, b) => {
        const pa = parseDate(a);
        const pb = parseDate(b);
        expect(Number.isNaN(canonicalDateKey(a))).toBe(pa === null);
        if (!pa || !pb) return;
        expect(canonicalEpochDay(a)).toBe(toEpochDay(pa));
        expect(Math.sign(canonicalDateKey(a) - canonicalDateKey(b))).toBe(
          Math.sign(toEpochDay(pa) - toEpochDay(pb)),
        );
      }),
      { numRuns: 5_000 },
    );
  });

  it('shares an environment per context without leaking between contexts', () => {
    const rule = compileRule({ date_gte: [{ var: 'd' }, { date_add: [{ today: [] }, -1, 'day'] }] });
    const day1 = { now: new Date('2026-03-01T00:00:00Z') };
    const day2 = { now: new Date('2026-03-05T00:00:00Z') };
    expect(rule({ d: '2026-03-01' }, day1)).toBe(true);
    expect(rule({ d: '2026-03-01' }, day2)).toBe(false);
    expect(rule({ d: '2026-03-01' }, day1)).toBe(true);
    expect(() => rule({ d: '2026-03-01' })).toThrow(/ctx.now/);
    // A new context object per call (as callers build them) reads its own values: the same clock reads
    // the same, another clock, zone, user or previous record does not.
    const at = (iso: string) => ({ now: new Date(iso) });
    expect(rule({ d: '2026-03-01' }, at('2026-03-01T00:00:00Z'))).toBe(true);
    expect(rule({ d: '2026-03-01' }, at('2026-03-01T00:00:00Z'))).toBe(true);
    expect(rule({ d: '2026-03-01' }, at('2026-03-05T00:00:00Z'))).toBe(false);
    const inZone = (timeZone: string) => ({ now: new Date('2026-03-01T20:00:00Z'), timeZone });
    expect(evaluateRule({ today: [] }, {}, inZone('Asia/Shanghai'))).toBe('2026-03-02');
    expect(evaluateRule({ today: [] }, {}, inZone('UTC'))).toBe('2026-03-01');
    const me = (id: string) => ({ user: { id, departmentIds: [] } });
    expect(evaluateRule({ current_user: [] }, {}, me('u1'))).toBe('u1');
    expect(evaluateRule({ current_user: [] }, {}, me('u2'))).toBe('u2');
    const before = (a: number) => ({ previous: { a } });
    expect(evaluateRule({ changed: 'a' }, { a: 1 }, before(1))).toBe(false);
    expect(evaluateRule({ changed: 'a' }, { a: 1 }, before(2))).toBe(true);
  });

  it('keeps a fresh environment where evaluation state matters (iteration budget, new)', () => {
    const rule = { map: [{ var: 'xs' }, { var: '' }] };
    const ctx: EvalContext = { now: CTX.now, limits: { maxIterations: 3 } };
    expect(evaluateRule(rule, { xs: [1, 2, 3] }, ctx)).toEqual([1, 2, 3]);
    expect(evaluateRule(rule, { xs: [1, 2, 3] }, ctx)).toEqual([1, 2, 3]);
    const changed = { changed: 'a' };
    expect(evaluateRule(changed, { a: 1 }, { previous: { a: 1 } })).toBe(false);
    expect(evaluateRule(changed, { a: 2 }, { previous: { a: 1 } })).toBe(true);
  });
});
