import { describe, expect, it } from 'vitest';
import { compileRule, DEFAULT_LIMITS, RuleError, validateRule } from '../src/index.js';
import { BACKENDS } from './backends.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof RuleError ? error.code : `not a RuleError: ${(error as Error).message}`;
  }
  return undefined;
}

const nest = (depth: number): unknown => (depth === 0 ? true : { '!!': [nest(depth - 1)] });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

type Case = [name: string, rule: unknown, data: unknown, code: string, path?: string];
const CASES: Case[] = [
  ['__proto__ literal path', { var: '__proto__' }, {}, 'forbidden_path', '/var'],
  [
    'constructor in a dotted path',
    { '==': [{ var: 'a.constructor' }, 1] },
    {},
    'forbidden_path',
    '/==/0/var',
  ],
  ['prototype with a default', { var: ['x.prototype', 1] }, {}, 'forbidden_path', '/var/0'],
  ['computed __proto__ path', { var: { cat: ['__pro', 'to__'] } }, {}, 'forbidden_path'],
  ['computed path from data', { var: { var: 'k' } }, { k: 'constructor' }, 'forbidden_path'],
  ['missing key', { missing: ['__proto__'] }, {}, 'forbidden_path'],
  ['computed missing key', { missing: { merge: ['a', { cat: ['proto', 'type'] }] } }, {}, 'forbidden_path'],
  ['missing_some keys', { missing_some: [1, { merge: [['constructor']] }] }, {}, 'forbidden_path'],
  ['old with forbidden key', { old: '__proto__' }, {}, 'forbidden_path'],
  ['changed with computed forbidden key', { changed: { cat: ['proto', 'type'] } }, {}, 'forbidden_path'],
  ['unknown operator', { and: [true, { eval: ['1'] }] }, {}, 'unknown_operator', '/and/1/eval'],
  ['log is not available (no I/O)', { log: 'x' }, {}, 'unknown_operator'],
  ['dotted method operator', { 'var.length': [] }, {}, 'unknown_operator'],
  ['platform arity', { contains: ['a'] }, {}, 'bad_arity'],
  ['too deep', nest(DEFAULT_LIMITS.maxDepth + 1), {}, 'rule_too_deep'],
  ['too many nodes', { cat: range(DEFAULT_LIMITS.maxNodes + 1) }, {}, 'rule_too_large'],
  [
    'map over a long array',
    { map: [{ var: 'xs' }, 1] },
    { xs: range(DEFAULT_LIMITS.maxArrayLength + 1) },
    'array_too_long',
  ],
  [
    'filter over a long array',
    { filter: [{ var: 'xs' }, true] },
    { xs: range(DEFAULT_LIMITS.maxArrayLength + 1) },
    'array_too_long',
  ],
  [
    'reduce over a long array',
    { reduce: [{ var: 'xs' }, 0, 0] },
    { xs: range(DEFAULT_LIMITS.maxArrayLength + 1) },
    'array_too_long',
  ],
  [
    'all over a long array',
    { all: [{ var: 'xs' }, true] },
    { xs: range(DEFAULT_LIMITS.maxArrayLength + 1) },
    'array_too_long',
  ],
  [
    'some over a long array',
    { some: [{ var: 'xs' }, false] },
    { xs: range(DEFAULT_LIMITS.maxArrayLength + 1) },
    'array_too_long',
  ],
  [
    'none over a long array',
    { none: [{ var: 'xs' }, false] },
    { xs: range(DEFAULT_LIMITS.maxArrayLength + 1) },
    'array_too_long',
  ],
  [
    'merge producing a long array',
    { merge: [{ var: 'xs' }, 1] },
    { xs: range(DEFAULT_LIMITS.maxArrayLength) },
    'array_too_long',
  ],
  [
    'nested iteration budget',
    { map: [{ var: 'xs' }, { map: [{ var: '' }, 1] }] },
    { xs: range(20).map(() => range(9_000)) },
    'iteration_budget_exceeded',
  ],
  [
    'regex pattern not literal',
    { regex_match: ['a', { var: 'p' }] },
    { p: '^a$' },
    'regex_not_literal',
    '/regex_match/1',
  ],
  ['regex pattern too long', { regex_match: ['a', 'a'.repeat(201)] }, {}, 'regex_too_long'],
  ['catastrophic regex', { regex_match: ['aaaa', '^(a+)+$'] }, {}, 'regex_unsafe', '/regex_match/1'],
  ['invalid regex', { regex_match: ['a', '('] }, {}, 'regex_invalid'],
  ['regex flags', { regex_match: ['a', 'a', 'g'] }, {}, 'invalid_argument'],
];

describe('safety bounds', () => {
  for (const backend of BACKENDS) {
    it.each(CASES)(`${backend.name}: %s`, (_name, rule, data, code, path) => {
      expect(codeOf(() => backend.run(rule, data))).toBe(code);
      if (path !== undefined) {
        try {
          backend.run(rule, data);
        } catch (error) {
          expect((error as RuleError).path).toBe(path);
        }
      }
    });
  }

  it('reads nothing from the prototype chain through forbidden names, even with computed paths', () => {
    for (const backend of BACKENDS) {
      expect(backend.run({ var: 'a.b' }, { a: { b: 1 } })).toBe(1);
      expect(codeOf(() => backend.run({ var: { cat: ['a.', '__proto__'] } }, { a: {} }))).toBe(
        'forbidden_path',
      );
    }
  });

  it('accepts rules right at the bounds', () => {
    expect(() => validateRule(nest(DEFAULT_LIMITS.maxDepth - 1), DEFAULT_LIMITS)).not.toThrow();
    for (const backend of BACKENDS) {
      expect(
        backend.run({ map: [{ var: 'xs' }, 1] }, { xs: range(DEFAULT_LIMITS.maxArrayLength) }),
      ).toHaveLength(DEFAULT_LIMITS.maxArrayLength);
    }
  });

  it('honours custom limits', () => {
    for (const backend of BACKENDS) {
      expect(codeOf(() => backend.run({ map: [[1, 2, 3], 1] }, {}, { limits: { maxArrayLength: 2 } }))).toBe(
        'array_too_long',
      );
    }
    expect(codeOf(() => compileRule({ '!': [{ '!': [true] }] }, { limits: { maxDepth: 1 } }))).toBe(
      'rule_too_deep',
    );
  });

  it('never uses eval or new Function', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('../src/', import.meta.url);
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const text = readFileSync(new URL(file, root), 'utf8');
      expect(text, file).not.toMatch(/\beval\s*\(|new Function\s*\(|from 'node:/);
    }
  });
});
