import { assertSafePath } from '../core/path-guard.js';
import type { PlatformOpSpec } from './op-types.js';

function fieldOf(record: unknown, key: unknown): unknown {
  if (typeof key !== 'string' && typeof key !== 'number') return null;
  assertSafePath(key);
  if (record === null || typeof record !== 'object') return null;
  const k = String(key);
  return Object.hasOwn(record, k) ? ((record as Record<string, unknown>)[k] ?? null) : null;
}

/** Structural equality of JSON-like values (dates by instant). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k) =>
          Object.hasOwn(b, k) &&
          sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return false;
}

const UPDATE_CONTEXTS = ['flow', 'validation'] as const;

/**
 * Update-trigger operations. `old` reads the previous record from the context (null on create),
 * `new` reads the record being evaluated (the root, even inside `map`), and `changed` is true when
 * they differ. Field keys are top-level own properties only.
 */
export const RECORD_OPS = {
  old: {
    impl: (env, _d, [key]) => fieldOf(env.ctx.previous ?? null, key),
    arity: [1, 1],
    params: ['field'],
    result: 'any',
    contexts: UPDATE_CONTEXTS,
  },
  new: {
    impl: (env, _d, [key]) => fieldOf(env.root, key),
    arity: [1, 1],
    params: ['field'],
    result: 'any',
    contexts: UPDATE_CONTEXTS,
  },
  changed: {
    impl: (env, _d, [key]) => !sameValue(fieldOf(env.ctx.previous ?? null, key), fieldOf(env.root, key)),
    arity: [1, 1],
    params: ['field'],
    result: 'boolean',
    contexts: UPDATE_CONTEXTS,
  },
} satisfies Record<string, PlatformOpSpec>;
