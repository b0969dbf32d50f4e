import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EvalContext, evaluateRule, interpret } from '../src/index.js';
import { outcome } from './backends.js';

const CTX: EvalContext = {
  now: new Date('2026-02-28T16:30:00Z'),
  user: { id: 'u-1', departmentIds: ['d-1'], roleIds: ['r-1'] },
  previous: { a: 1, s: 'x' },
};

const scalar = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    1,
    -1,
    2.5,
    '',
    '0',
    '1',
    '1.50',
    'a',
    'abc',
    'ABC',
    '2026-03-01',
    '2026-02-28T16:00:00Z',
  ),
  fc.integer({ min: -5, max: 5 }),
  fc.string({ maxLength: 3 }),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
);
const KEYS = ['a', 'b', 's', 'n', 'd', 'arr', 'obj.x', 'missing', ''];
const record = fc.record({
  a: value,
  b: value,
  s: fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null)),
  n: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null)),
  d: fc.constantFrom('2026-03-01', '2026-02-28', null, '2026-02-28T16:00:00Z'),
  arr: fc.array(scalar, { maxLength: 4 }),
  obj: fc.record({ x: scalar }),
});

const OPS = [
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  '!',
  '!!',
  'and',
  'or',
  'if',
  '?:',
  'in',
  'cat',
  'substr',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'merge',
  'missing',
  'missing_some',
  'contains',
  'contains_ci',
  'starts_with',
  'ends_with_ci',
  'is_empty',
  'is_not_empty',
  'between',
  'in_list',
  'date_lt',
  'date_eq',
  'datetime_gte',
  'date_diff_days',
  'date_add',
  'start_of_month',
  'today',
  'now',
  'dec_gt',
  'dec_eq',
  'changed',
  'old',
  'new',
  'current_user',
  'current_user_departments',
] as const;
const PLATFORM_ARITY: Partial<Record<(typeof OPS)[number], number>> = {
  contains: 2,
  contains_ci: 2,
  starts_with: 2,
  ends_with_ci: 2,
  is_empty: 1,
  is_not_empty: 1,
  between: 3,
  in_list: 2,
  date_lt: 2,
  date_eq: 2,
  datetime_gte: 2,
  date_diff_days: 2,
  start_of_month: 1,
  today: 0,
  now: 0,
  dec_gt: 2,
  dec_eq: 2,
  changed: 1,
  old: 1,
  new: 1,
  current_user: 0,
  current_user_departments: 0,
};

const { rule } = fc.letrec((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constantFrom(...KEYS).map((k) => ({ var: k })),
    fc.tuple(fc.constantFrom(...KEYS), scalar).map(([k, d]) => ({ var: [k, d] })),
    tie('node'),
    tie('iter'),
    fc
      .tuple(tie('rule'), fc.constantFrom(1, 2, 'day', 'month'))
      .map(([x, n]) => (typeof n === 'number' ? { date_add: [x, n, 'day'] } : { date_add: [x, 1, n] })),
  ),
  node: fc
    .tuple(fc.constantFrom(...OPS), fc.array(tie('rule'), { maxLength: 3 }), fc.boolean())
    .map(([op, args, unwrap]) => {
      const arity = PLATFORM_ARITY[op];
      const list = arity === undefined ? args : [...args, null, null, null].slice(0, arity);
      return { [op]: unwrap && list.length === 1 ? list[0] : list };
    }),
  iter: fc
    .tuple(
      fc.constantFrom('map', 'filter', 'all', 'some', 'none', 'reduce'),
      fc.oneof(fc.constant({ var: 'arr' }), fc.constant({ var: 'a' }), tie('rule')),
      tie('rule'),
    )
    .map(([op, source, body]) =>
      op === 'reduce' ? { reduce: [source, body, 0] } : { [op]: [source, body] },
    ),
}));

/** Deep equality that treats NaN as equal to NaN and distinguishes -0 only where JSON would not. */
function normalise(result: ReturnType<typeof outcome>) {
  return JSON.stringify(result, (_k, v) =>
    typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v === undefined ? '__undefined' : v,
  );
}

describe('compiled backend == json-logic-js interpreter', () => {
  it('agrees on 12,000 random rules and records (values and errors)', () => {
    let errors = 0;
    fc.assert(
      fc.property(rule, record, (r, data) => {
        const a = outcome(() => interpret(r, data, CTX));
        const b = outcome(() => evaluateRule(r, data, CTX));
        if ('error' in a) errors++;
        expect(normalise(b)).toBe(normalise(a));
      }),
      { numRuns: 12_000, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
    // Most random rules should evaluate; if nearly all threw, the test would prove little.
    expect(errors).toBeLessThan(6_000);
  });
});
