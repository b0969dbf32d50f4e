import { RuleError } from './rule-error.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** True when a var path (dotted, as json-logic-js splits it) names a forbidden property. */
export function isForbiddenPath(path: unknown): boolean {
  if (path === undefined || path === null || path === '') return false;
  for (const segment of String(path).split('.')) if (FORBIDDEN.has(segment)) return true;
  return false;
}

/** Throws `forbidden_path` when {@link isForbiddenPath}; returns the path otherwise. */
export function assertSafePath<T>(path: T, at?: string): T {
  if (isForbiddenPath(path)) throw new RuleError('forbidden_path', JSON.stringify(String(path)), at);
  return path;
}

/**
 * Checks a `missing`/`missing_some` key argument at run time: a primitive path, or an array of
 * primitive paths, none forbidden.
 */
export function assertSafeKeys<T>(keys: T, at?: string): T {
  const list = Array.isArray(keys) ? keys : [keys];
  for (const key of list) {
    if (typeof key === 'object' && key !== null) {
      throw new RuleError('invalid_argument', 'missing keys must be strings or numbers', at);
    }
    assertSafePath(key, at);
  }
  return keys;
}
