import { RuleError } from '../core/rule-error.js';
import type { OpImpl, PlatformOpSpec } from './op-types.js';
import { compileSafeRegex } from './regex-guard.js';

/** Folds ASCII A–Z to a–z only, so the SQL backend (`translate`) agrees exactly on every input. */
export function asciiLower(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : text;
}

/** Strings and finite numbers read as text; anything else (null, booleans, arrays) is not text. */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function textTest(test: (hay: string, needle: string) => boolean, fold: boolean): OpImpl {
  return (_e, _d, [a, b]) => {
    const hay = asText(a);
    const needle = asText(b);
    if (hay === null || needle === null) return false;
    return fold ? test(asciiLower(hay), asciiLower(needle)) : test(hay, needle);
  };
}

const contains = (h: string, n: string) => h.includes(n);
const startsWith = (h: string, n: string) => h.startsWith(n);
const endsWith = (h: string, n: string) => h.endsWith(n);
const pair = ['text', 'text'] as const;

/** Text tests; `_ci` variants ignore ASCII case. A null or non-text operand gives false. */
export const TEXT_OPS = {
  contains: { impl: textTest(contains, false), arity: [2, 2], params: pair, result: 'boolean' },
  contains_ci: { impl: textTest(contains, true), arity: [2, 2], params: pair, result: 'boolean' },
  starts_with: { impl: textTest(startsWith, false), arity: [2, 2], params: pair, result: 'boolean' },
  starts_with_ci: { impl: textTest(startsWith, true), arity: [2, 2], params: pair, result: 'boolean' },
  ends_with: { impl: textTest(endsWith, false), arity: [2, 2], params: pair, result: 'boolean' },
  ends_with_ci: { impl: textTest(endsWith, true), arity: [2, 2], params: pair, result: 'boolean' },
  regex_match: {
    impl: (env, _d, [text, pattern, flags]) => {
      const regex = compileSafeRegex(pattern, flags, env.limits);
      const hay = asText(text);
      if (hay === null) return false;
      if (hay.length > env.limits.maxRegexInput) {
        throw new RuleError('string_too_long', `regex input of ${hay.length} characters`);
      }
      regex.lastIndex = 0;
      return regex.test(hay);
    },
    arity: [2, 3],
    params: ['text', 'text', 'text'],
    result: 'boolean',
  },
} satisfies Record<string, PlatformOpSpec>;
