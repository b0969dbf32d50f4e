import { describe, expect, it } from 'vitest';
import {
  type CheckCode,
  type CheckField,
  checkRule,
  type RuleContextKind,
  referencedFields,
} from '../src/index.js';

const FIELDS: CheckField[] = [
  { key: 'region', kind: 'text', options: ['east', 'west'] },
  { key: 'name', kind: 'text' },
  { key: 'amount', kind: 'decimal' },
  { key: 'qty', kind: 'integer' },
  { key: 'signed_on', kind: 'date' },
  { key: 'created_at', kind: 'datetime' },
  { key: 'tags', kind: 'textArray', options: ['vip', 'new'] },
  { key: 'salary', kind: 'decimal', hidden: true },
];
const v = (key: string) => ({ var: key });

type Case = [
  name: string,
  rule: unknown,
  code: CheckCode,
  path: string,
  context?: RuleContextKind,
  allowedOps?: string[],
];
const CASES: Case[] = [
  ['unknown field', { '==': [v('nope'), 1] }, 'unknown_field', '/==/0/var'],
  ['hidden field', { dec_gt: [v('salary'), '1'] }, 'hidden_field', '/dec_gt/0/var'],
  ['computed path', { var: { cat: ['na', 'me'] } }, 'computed_path', '/var'],
  ['forbidden path', { var: 'region.__proto__' }, 'forbidden_path', '/var'],
  ['date op on a text field', { date_lt: [v('name'), '2026-03-01'] }, 'type_mismatch', '/date_lt/0'],
  [
    '< between a date field and a number',
    { and: [true, { '<': [v('signed_on'), 5] }] },
    'type_mismatch',
    '/and/1/</1',
  ],
  ['== between a date field and non-date text', { '==': [v('signed_on'), 'soon'] }, 'type_mismatch', '/==/1'],
  ['date field vs text field', { '<': [v('signed_on'), v('name')] }, 'type_mismatch', '/</1'],
  ['text op on a date', { contains: [v('created_at'), '2026'] }, 'type_mismatch', '/contains/0'],
  ['decimal op on text literal', { dec_add: [v('amount'), 'abc'] }, 'type_mismatch', '/dec_add/1'],
  ['numeric field vs non-numeric string', { '>': [v('qty'), 'many'] }, 'type_mismatch', '/>/1'],
  ['ordering a multi-select', { '<': [v('tags'), 'vip'] }, 'type_mismatch', '/<'],
  ['date_add unit', { date_add: [v('signed_on'), 1, 'fortnight'] }, 'type_mismatch', '/date_add/2'],
  ['unknown select option', { '==': [v('region'), 'north'] }, 'unknown_option', '/==/1'],
  ['unknown option in a list', { in: [v('region'), ['east', 'north']] }, 'unknown_option', '/in/1'],
  ['unknown multi-select option', { in: ['gold', v('tags')] }, 'unknown_option', '/in/0'],
  ['changed outside flow/validation', { changed: 'region' }, 'operator_not_allowed', '/changed', 'filter'],
  ['old in scoring', { '==': [{ old: 'region' }, 'east'] }, 'operator_not_allowed', '/==/0/old', 'scoring'],
  ['operator not in allowedOps', { '+': [1, 2] }, 'operator_not_allowed', '/+', 'filter', ['==', 'var']],
  ['unknown operator', { '==': [{ frobnicate: [1] }, 1] }, 'unknown_operator', '/==/0/frobnicate'],
  ['arity of ==', { '==': [1] }, 'bad_arity', '/=='],
  ['arity of a platform op', { contains: ['a', 'b', 'c'] }, 'bad_arity', '/contains'],
  ['unsafe regex', { regex_match: [v('name'), '(a|a)*$'] }, 'unsafe_regex', '/regex_match/1'],
];

describe('checkRule', () => {
  it.each(CASES)('reports %s', (_name, rule, code, path, context = 'validation', allowedOps) => {
    const issues = checkRule(rule, { fields: FIELDS, context, ...(allowedOps ? { allowedOps } : {}) });
    expect(issues).toContainEqual(expect.objectContaining({ code, path }));
  });

  it('reports size and depth bounds', () => {
    const deep = Array.from({ length: 40 }).reduce<unknown>((acc) => ({ '!': [acc] }), true);
    expect(checkRule(deep, { fields: FIELDS, context: 'filter' }).map((i) => i.code)).toContain(
      'rule_too_deep',
    );
    const wide = { cat: Array.from({ length: 2_100 }, (_, i) => i) };
    expect(checkRule(wide, { fields: FIELDS, context: 'filter' }).map((i) => i.code)).toContain(
      'rule_too_large',
    );
  });

  it.each<[string, unknown, RuleContextKind]>([
    [
      'a well-typed filter',
      { and: [{ '==': [v('region'), 'east'] }, { dec_gte: [v('amount'), '1000.00'] }] },
      'filter',
    ],
    ['dates and now', { date_gte: [v('signed_on'), { date_add: [{ today: [] }, -30, 'day'] }] }, 'filter'],
    ['changed in flow', { and: [{ changed: 'region' }, { '==': [{ new: 'region' }, 'west'] }] }, 'flow'],
    ['vars inside map read elements', { some: [v('tags'), { '==': [{ var: '' }, 'vip'] }] }, 'filter'],
    ['date field vs date literal', { '<': [v('signed_on'), '2026-03-01'] }, 'filter'],
  ])('accepts %s', (_name, rule, context) => {
    expect(checkRule(rule, { fields: FIELDS, context })).toEqual([]);
  });
});

describe('referencedFields', () => {
  it.each<[string, unknown, string[], number]>([
    [
      'vars and record ops',
      { and: [{ '==': [v('region'), 'x'] }, { changed: 'stage' }, { old: 'amount' }] },
      ['amount', 'region', 'stage'],
      0,
    ],
    ['dotted path reads its first segment', v('customer.name'), ['customer'], 0],
    ['scoped logic reads elements', { map: [v('lines'), v('price')] }, ['lines'], 0],
    ['reduce seed', { reduce: [v('lines'), v('current'), v('base')] }, ['base', 'lines'], 0],
    ['missing keys', { missing: ['a', 'b'] }, ['a', 'b'], 0],
    ['missing_some keys', { missing_some: [1, ['c', 'd']] }, ['c', 'd'], 0],
    ['computed path', { var: { cat: ['a', 'b'] } }, [], 1],
  ])('%s', (_name, rule, keys, computed) => {
    const refs = referencedFields(rule);
    expect(refs.keys).toEqual(keys);
    expect(refs.computedPaths).toHaveLength(computed);
  });
});
