import { RuleError } from '../core/rule-error.js';
import type { RuleLimits } from '../core/rule-limits.js';
import { backtrackingProblem } from './regex-backtracking.js';

const ALLOWED_FLAGS = /^[imsu]*$/;
const verdicts = new Map<string, RegExp | RuleError>();

/**
 * Compiles a regex pattern after checking its length, its flags and — with recheck's pure-JS
 * backend — that it cannot backtrack catastrophically. Verdicts are cached per pattern and flags.
 *
 * @example
 * compileSafeRegex('^1[3-9]\\d{9}$', '', DEFAULT_LIMITS).test('13800138000') // true
 */
export function compileSafeRegex(pattern: unknown, flags: unknown, limits: RuleLimits): RegExp {
  if (typeof pattern !== 'string') throw new RuleError('regex_not_literal', 'pattern must be a string');
  const flagText = flags === undefined || flags === null ? '' : flags;
  if (typeof flagText !== 'string' || !ALLOWED_FLAGS.test(flagText)) {
    throw new RuleError('invalid_argument', 'regex flags may only be i, m, s, u');
  }
  if (pattern.length > limits.maxRegexLength) {
    throw new RuleError('regex_too_long', `${pattern.length} > ${limits.maxRegexLength}`);
  }
  const key = `${flagText}/${pattern}`;
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = judge(pattern, flagText);
    if (verdicts.size > 5_000) verdicts.clear();
    verdicts.set(key, verdict);
  }
  if (verdict instanceof RuleError) throw verdict;
  return verdict;
}

function judge(pattern: string, flags: string): RegExp | RuleError {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    return new RuleError('regex_invalid', (error as Error).message);
  }
  const why = backtrackingProblem(pattern, flags);
  if (why === undefined) return regex;
  return new RuleError('regex_unsafe', `${JSON.stringify(pattern)} (${why})`);
}
