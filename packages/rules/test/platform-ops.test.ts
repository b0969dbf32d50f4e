import { describe, expect, it } from 'vitest';
import { type EvalContext, PLATFORM_OPS, RuleError } from '../src/index.js';
import { BACKENDS } from './backends.js';

// 2026-03-01 00:30 in Shanghai is 2026-02-28 16:30 UTC: the two calendars disagree on the date.
const NOW = new Date('2026-02-28T16:30:00Z');
const CTX: EvalContext = {
  now: NOW,
  user: { id: 'u-1', departmentIds: ['d-east', 'd-sales'], roleIds: ['sales'] },
  previous: { stage: 'lead', amount: '100.00' },
};

type Case = [name: string, rule: unknown, data: unknown, expected: unknown, ctx?: EvalContext];
const v = (key: string) => ({ var: key });

const CASES: Case[] = [
  ['today in Shanghai', { today: [] }, {}, '2026-03-01'],
  ['today in UTC', { today: [] }, {}, '2026-02-28', { now: NOW, timeZone: 'UTC' }],
  ['now with offset', { now: [] }, {}, '2026-03-01T00:30:00.000+08:00'],
  ['date_eq across midnight', { date_eq: ['2026-02-28T17:00:00Z', '2026-03-01'] }, {}, true],
  ['date_eq null', { date_eq: [v('x'), '2026-03-01'] }, {}, false],
  ['date_ne', { date_ne: ['2026-03-01', '2026-03-02'] }, {}, true],
  ['date_lt', { date_lt: [v('d'), { today: [] }] }, { d: '2026-02-28' }, true],
  ['date_lte', { date_lte: ['2026-03-01', '2026-03-01'] }, {}, true],
  ['date_gt', { date_gt: ['2026-03-02', '2026-03-01'] }, {}, true],
  ['date_gte invalid reads null', { date_gte: ['2026-02-30', '2026-03-01'] }, {}, false],
  ['datetime_eq instants', { datetime_eq: ['2026-03-01T08:00:00+08:00', '2026-03-01T00:00:00Z'] }, {}, true],
  ['datetime_lt', { datetime_lt: ['2026-03-01T00:00:00Z', { now: [] }] }, {}, false],
  ['datetime_lte date as local midnight', { datetime_lte: ['2026-03-01', '2026-02-28T16:00:00Z'] }, {}, true],
  ['datetime_gt', { datetime_gt: [{ now: [] }, '2026-02-28T16:29:59Z'] }, {}, true],
  ['datetime_gte', { datetime_gte: ['2026-02-28T16:30:00Z', { now: [] }] }, {}, true],
  ['date_diff_days', { date_diff_days: ['2026-02-27', { today: [] }] }, {}, 2],
  ['date_diff_days negative', { date_diff_days: ['2026-03-05', '2026-03-01'] }, {}, -4],
  ['date_diff_days null', { date_diff_days: [null, '2026-03-01'] }, {}, null],
  ['datetime_diff_hours', { datetime_diff_hours: ['2026-03-01T00:00:00Z', '2026-03-01T05:59:59Z'] }, {}, 5],
  [
    'datetime_diff_hours negative truncates',
    { datetime_diff_hours: ['2026-03-01T05:30:00Z', '2026-03-01T00:00:00Z'] },
    {},
    -5,
  ],
  ['date_add days', { date_add: ['2026-02-27', 2, 'day'] }, {}, '2026-03-01'],
  ['date_add month clamps', { date_add: ['2026-01-31', 1, 'month'] }, {}, '2026-02-28'],
  ['date_add leap year', { date_add: ['2024-02-29', 1, 'year'] }, {}, '2025-02-28'],
  ['date_add quarter', { date_add: ['2026-11-30', 1, 'quarter'] }, {}, '2027-02-28'],
  ['date_add week', { date_add: ['2026-03-01', -1, 'week'] }, {}, '2026-02-22'],
  [
    'date_add hours to datetime',
    { date_add: ['2026-03-01T00:00:00Z', 3, 'hour'] },
    {},
    '2026-03-01T11:00:00.000+08:00',
  ],
  [
    'date_add day to datetime keeps local time',
    { date_add: ['2026-01-31T20:00:00+08:00', 1, 'month'] },
    {},
    '2026-02-28T20:00:00.000+08:00',
  ],
  [
    'date_add minutes to a date',
    { date_add: ['2026-03-01', 90, 'minute'] },
    {},
    '2026-03-01T01:30:00.000+08:00',
  ],
  ['date_add non-integer', { date_add: ['2026-03-01', 1.5, 'day'] }, {}, null],
  ['start_of_week (Monday)', { start_of_week: ['2026-03-01'] }, {}, '2026-02-23'],
  ['start_of_week of datetime in zone', { start_of_week: ['2026-03-01T16:30:00Z'] }, {}, '2026-03-02'],
  ['start_of_month', { start_of_month: [{ today: [] }] }, {}, '2026-03-01'],
  ['start_of_quarter', { start_of_quarter: ['2026-08-15'] }, {}, '2026-07-01'],
  ['start_of_year', { start_of_year: ['2026-08-15'] }, {}, '2026-01-01'],
  ['start_of null', { start_of_month: [null] }, {}, null],
  ['contains', { contains: [v('t'), '上海'] }, { t: '华东上海区' }, true],
  ['contains null', { contains: [v('t'), 'a'] }, { t: null }, false],
  ['contains number', { contains: [12345, 234] }, {}, true],
  ['contains_ci ASCII', { contains_ci: ['Hello World', 'WORLD'] }, {}, true],
  ['contains_ci non-ASCII stays exact', { contains_ci: ['ÉCOLE', 'école'] }, {}, false],
  ['starts_with', { starts_with: ['ACME Ltd', 'ACME'] }, {}, true],
  ['starts_with_ci', { starts_with_ci: ['ACME Ltd', 'acme'] }, {}, true],
  ['ends_with', { ends_with: ['report.pdf', '.pdf'] }, {}, true],
  ['ends_with_ci', { ends_with_ci: ['REPORT.PDF', '.pdf'] }, {}, true],
  ['regex_match', { regex_match: [v('phone'), '^1[3-9]\\d{9}$'] }, { phone: '13800138000' }, true],
  ['regex_match flags', { regex_match: ['ABC', '^abc$', 'i'] }, {}, true],
  ['regex_match null', { regex_match: [null, '^a$'] }, {}, false],
  ['is_empty null', { is_empty: [v('x')] }, {}, true],
  ['is_empty ""', { is_empty: [''] }, {}, true],
  ['is_empty []', { is_empty: [[]] }, {}, true],
  ['is_empty 0', { is_empty: [0] }, {}, false],
  ['is_not_empty', { is_not_empty: ['a'] }, {}, true],
  ['between', { between: [5, 1, 10] }, {}, true],
  ['between inclusive', { between: [10, 1, 10] }, {}, true],
  ['between null', { between: [v('x'), 0, 10] }, {}, false],
  ['between dates as strings', { between: ['2026-03-01', '2026-01-01', '2026-12-31'] }, {}, true],
  ['in_list', { in_list: [v('r'), ['east', 'west']] }, { r: 'east' }, true],
  ['in_list multi-select overlap', { in_list: [v('tags'), ['vip']] }, { tags: ['new', 'vip'] }, true],
  ['in_list strict', { in_list: [1, ['1']] }, {}, false],
  ['in_list null', { in_list: [null, [null]] }, {}, false],
  ['dec_add exact', { dec_add: ['0.1', '0.2'] }, {}, '0.3'],
  ['dec_add variadic', { dec_add: ['1234.50', 1, '0.005'] }, {}, '1235.505'],
  ['dec_add null', { dec_add: ['1', null] }, {}, null],
  ['dec_sub', { dec_sub: ['100.00', '0.01'] }, {}, '99.99'],
  ['dec_mul', { dec_mul: ['19.99', 3] }, {}, '59.97'],
  ['dec_div', { dec_div: ['10', '4'] }, {}, '2.5'],
  ['dec_div by zero', { dec_div: ['10', '0'] }, {}, null],
  ['dec_round half-up', { dec_round: ['2.345', 2] }, {}, '2.35'],
  ['dec_round negative half away from zero', { dec_round: ['-2.345', 2] }, {}, '-2.35'],
  ['dec_round default 2', { dec_round: ['1'] }, {}, '1.00'],
  ['dec_eq scale-insensitive', { dec_eq: ['1.50', '1.5'] }, {}, true],
  ['dec_ne', { dec_ne: ['1.50', '1.51'] }, {}, true],
  ['dec_lt beyond double precision', { dec_lt: ['0.30000000000000001', '0.3000000000000001'] }, {}, true],
  ['dec_lte', { dec_lte: ['5', 5] }, {}, true],
  ['dec_gt', { dec_gt: [v('amount'), '1000'] }, { amount: '1234.50' }, true],
  ['dec_gte null', { dec_gte: [null, '0'] }, {}, false],
  ['old', { old: 'stage' }, { stage: 'won' }, 'lead'],
  ['new', { new: 'stage' }, { stage: 'won' }, 'won'],
  ['changed', { changed: 'stage' }, { stage: 'won' }, true],
  ['unchanged decimal', { changed: 'amount' }, { amount: '100.00' }, false],
  ['changed on create', { changed: 'stage' }, { stage: 'won' }, true, { now: NOW }],
  ['new reads the root inside map', { map: [[1], { new: 'stage' }] }, { stage: 'won' }, ['won']],
  ['current_user', { current_user: [] }, {}, 'u-1'],
  ['current_user_departments', { in: ['d-east', { current_user_departments: [] }] }, {}, true],
  ['current_user_roles', { current_user_roles: [] }, {}, ['sales']],
  ['departments without a user', { current_user_departments: [] }, {}, [], { now: NOW }],
];

describe('platform operations', () => {
  for (const backend of BACKENDS) {
    it.each(CASES)(`${backend.name}: %s`, (_name, rule, data, expected, ctx) => {
      expect(backend.run(rule, data, ctx ?? CTX)).toEqual(expected);
    });
  }

  it('has a case for every platform operation', () => {
    const covered = new Set(
      CASES.flatMap(([, rule]) => JSON.stringify(rule).match(/"([a-z_]+)":/g) ?? []).map((s) =>
        s.slice(1, -2),
      ),
    );
    for (const op of Object.keys(PLATFORM_OPS)) expect(covered, op).toContain(op);
  });

  const ERRORS: [string, unknown, string, EvalContext?][] = [
    ['today without a clock', { today: [] }, 'missing_context', {}],
    ['current_user without a user', { current_user: [] }, 'missing_context', {}],
    ['bad decimal', { dec_add: ['1', 'abc'] }, 'invalid_argument'],
    ['bad unit', { date_add: ['2026-03-01', 1, 'fortnight'] }, 'invalid_argument'],
    ['bad places', { dec_round: ['1', 1.5] }, 'invalid_argument'],
    ['regex input too long', { regex_match: [{ var: 's' }, '^a+$'] }, 'string_too_long'],
  ];
  for (const backend of BACKENDS) {
    it.each(ERRORS)(`${backend.name} rejects %s`, (_name, rule, code, ctx) => {
      const data = { s: 'a'.repeat(10_001) };
      expect(() => backend.run(rule, data, ctx ?? CTX)).toThrow(RuleError);
      try {
        backend.run(rule, data, ctx ?? CTX);
      } catch (error) {
        expect((error as RuleError).code).toBe(code);
      }
    });
  }
});
