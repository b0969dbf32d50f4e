import type { PlatformOpSpec } from './op-types.js';

/** True for null, undefined, "" and []. */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/**
 * `in_list [value, list]`: for a multi-select (array) value, true when any option is in the list;
 * otherwise true when the list holds the value (strict equality). Null or a non-array list gives false.
 */
function inList(value: unknown, list: unknown): boolean {
  if (!Array.isArray(list) || value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some((v) => list.indexOf(v) !== -1);
  return list.indexOf(value) !== -1;
}

/** Emptiness, ranges and list membership. */
export const PREDICATE_OPS = {
  is_empty: { impl: (_e, _d, [a]) => isEmptyValue(a), arity: [1, 1], params: ['any'], result: 'boolean' },
  is_not_empty: {
    impl: (_e, _d, [a]) => !isEmptyValue(a),
    arity: [1, 1],
    params: ['any'],
    result: 'boolean',
  },
  between: {
    // lo <= x <= hi with JsonLogic's `<=`, but false when any operand is null or undefined.
    impl: (_e, _d, [x, lo, hi]) =>
      x !== null &&
      x !== undefined &&
      lo !== null &&
      lo !== undefined &&
      hi !== null &&
      hi !== undefined &&
      (lo as number) <= (x as number) &&
      (x as number) <= (hi as number),
    arity: [3, 3],
    params: ['any', 'any', 'any'],
    result: 'boolean',
  },
  in_list: {
    impl: (_e, _d, [a, b]) => inList(a, b),
    arity: [2, 2],
    params: ['any', 'list'],
    result: 'boolean',
  },
} satisfies Record<string, PlatformOpSpec>;
