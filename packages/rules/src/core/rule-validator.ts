import { isPlatformOp, PLATFORM_OPS } from '../ops/platform-ops.js';
import { compileSafeRegex } from '../ops/regex-guard.js';
import { SPECIAL_FORMS, STANDARD_OPS } from '../ops/standard-ops.js';
import { argsOf, isLogic, operatorOf } from './json-value.js';
import { isForbiddenPath } from './path-guard.js';
import { pointer, RuleError } from './rule-error.js';
import type { RuleLimits } from './rule-limits.js';

/** True when an operator is a JsonLogic standard one (table operation or special form). */
export function isStandardOp(op: string): boolean {
  return Object.hasOwn(STANDARD_OPS, op) || (SPECIAL_FORMS as readonly string[]).includes(op);
}

/** True when an operator is known to Dougong (`log` is deliberately absent: rules do no I/O). */
export function isKnownOp(op: string): boolean {
  return isStandardOp(op) || isPlatformOp(op);
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/**
 * Checks the parts of a rule that can be checked without data, throwing the first problem as a
 * {@link RuleError} with its JSON pointer: size and depth bounds, unknown operators, literal var
 * paths naming `__proto__`/`constructor`/`prototype`, platform-operation arity, and regex patterns
 * (literal, bounded, ReDoS-safe). Both in-memory backends run it once per rule.
 */
export function validateRule(rule: unknown, limits: RuleLimits): void {
  let nodes = 0;
  const countData = (node: unknown, path: string, depth: number): void => {
    nodes++;
    if (nodes > limits.maxNodes)
      throw new RuleError('rule_too_large', `more than ${limits.maxNodes} nodes`, path);
    if (depth > limits.maxDepth) throw new RuleError('rule_too_deep', `deeper than ${limits.maxDepth}`, path);
    if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) countData(value, pointer(path, key), depth + 1);
    }
  };
  const visit = (node: unknown, path: string, depth: number): void => {
    nodes++;
    if (nodes > limits.maxNodes)
      throw new RuleError('rule_too_large', `more than ${limits.maxNodes} nodes`, path);
    if (depth > limits.maxDepth) throw new RuleError('rule_too_deep', `deeper than ${limits.maxDepth}`, path);
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, pointer(path, i), depth + 1);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (!isLogic(node)) {
      // json-logic-js returns such objects as data, never evaluating inside them: only count them.
      for (const [key, value] of Object.entries(node)) countData(value, pointer(path, key), depth + 1);
      return;
    }
    const op = operatorOf(node);
    const opPath = pointer(path, op);
    if (!isKnownOp(op)) throw new RuleError('unknown_operator', JSON.stringify(op), opPath);
    const args = argsOf(node);
    if (op === 'var' && isPrimitive(args[0]) && isForbiddenPath(args[0])) {
      throw new RuleError(
        'forbidden_path',
        JSON.stringify(String(args[0])),
        Array.isArray(node[op]) ? pointer(opPath, 0) : opPath,
      );
    }
    if (op === 'missing' || op === 'missing_some') {
      // Literal keys are checked here; computed ones are guarded at run time.
      const keys = op === 'missing' ? args : [args[1]];
      for (const key of keys.flatMap((k) => (Array.isArray(k) ? k : [k]))) {
        if (isPrimitive(key) && isForbiddenPath(key))
          throw new RuleError('forbidden_path', JSON.stringify(key), opPath);
      }
    }
    if (isPlatformOp(op)) {
      const [min, max] = PLATFORM_OPS[op].arity;
      if (args.length < min || args.length > max) {
        throw new RuleError(
          'bad_arity',
          `${op} takes ${min === max ? min : `${min}..${max}`} arguments, got ${args.length}`,
          opPath,
        );
      }
      if (op === 'regex_match') {
        if (typeof args[1] !== 'string')
          throw new RuleError('regex_not_literal', undefined, pointer(opPath, 1));
        if (args[2] !== undefined && typeof args[2] !== 'string') {
          throw new RuleError('regex_not_literal', 'flags must be a string literal', pointer(opPath, 2));
        }
        try {
          compileSafeRegex(args[1], args[2], limits);
        } catch (error) {
          if (error instanceof RuleError) throw error.at(pointer(opPath, 1));
          throw error;
        }
      }
      if (
        (op === 'old' || op === 'new' || op === 'changed') &&
        isPrimitive(args[0]) &&
        isForbiddenPath(args[0])
      ) {
        throw new RuleError('forbidden_path', JSON.stringify(args[0]), opPath);
      }
    }
    const raw = node[op];
    if (Array.isArray(raw)) for (const [i, item] of raw.entries()) visit(item, pointer(opPath, i), depth + 1);
    else visit(raw, opPath, depth + 1);
  };
  visit(rule, '', 0);
}
