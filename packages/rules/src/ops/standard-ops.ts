import { truthy } from '../core/json-value.js';
import type { OpImpl } from './op-types.js';

/* A faithful port of json-logic-js 2.0.5's operations table, so the compiled backend reproduces its
 * JavaScript coercions exactly. Loose equality and relational operators on unknown values are the
 * point here, so the casts below only silence the type checker; the runtime semantics are JavaScript's. */

type Loose = number;

/** Resolves `{"var": [path, default]}` against data exactly like json-logic-js. */
export function lookupVar(data: unknown, a: unknown, b: unknown): unknown {
  const notFound = b === undefined ? null : b;
  if (typeof a === 'undefined' || a === '' || a === null) return data;
  const subProps = String(a).split('.');
  let current: unknown = data;
  for (const prop of subProps) {
    if (current === null || current === undefined) return notFound;
    current = (current as Record<string, unknown>)[prop];
    if (current === undefined) return notFound;
  }
  return current;
}

/** Resolves the var path for one `missing` key, as json-logic-js's `apply({"var": key})`. */
function lookupMissingKey(data: unknown, key: unknown): unknown {
  if (Array.isArray(key)) return lookupVar(data, key[0], key[1]);
  return lookupVar(data, key, undefined);
}

/** json-logic-js's `missing`. */
export function missingKeys(data: unknown, args: readonly unknown[]): unknown[] {
  const missing: unknown[] = [];
  const keys = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  for (const key of keys) {
    const value = lookupMissingKey(data, key);
    if (value === null || value === '') missing.push(key);
  }
  return missing;
}

/** The standard operations that json-logic-js dispatches through its table (special forms excluded). */
export type StandardOpName =
  | '=='
  | '==='
  | '!='
  | '!=='
  | '>'
  | '>='
  | '<'
  | '<='
  | '!!'
  | '!'
  | '%'
  | 'in'
  | 'cat'
  | 'substr'
  | '+'
  | '*'
  | '-'
  | '/'
  | 'min'
  | 'max'
  | 'merge'
  | 'var'
  | 'missing'
  | 'missing_some';

/** The standard operation implementations. */
export const STANDARD_OPS: Record<StandardOpName, OpImpl> = {
  // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's == is JavaScript's loose equality
  '==': (_e, _d, [a, b]) => a == b,
  '===': (_e, _d, [a, b]) => a === b,
  // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's != is JavaScript's loose inequality
  '!=': (_e, _d, [a, b]) => a != b,
  '!==': (_e, _d, [a, b]) => a !== b,
  '>': (_e, _d, [a, b]) => (a as Loose) > (b as Loose),
  '>=': (_e, _d, [a, b]) => (a as Loose) >= (b as Loose),
  '<': (_e, _d, [a, b, c]) =>
    c === undefined
      ? (a as Loose) < (b as Loose)
      : (a as Loose) < (b as Loose) && (b as Loose) < (c as Loose),
  '<=': (_e, _d, [a, b, c]) =>
    c === undefined
      ? (a as Loose) <= (b as Loose)
      : (a as Loose) <= (b as Loose) && (b as Loose) <= (c as Loose),
  '!!': (_e, _d, [a]) => truthy(a),
  '!': (_e, _d, [a]) => !truthy(a),
  '%': (_e, _d, [a, b]) => (a as Loose) % (b as Loose),
  in: (_e, _d, [a, b]) => {
    if (!b || typeof (b as { indexOf?: unknown }).indexOf === 'undefined') return false;
    return (b as { indexOf(x: unknown): number }).indexOf(a) !== -1;
  },
  cat: (_e, _d, args) => Array.prototype.join.call(args, ''),
  substr: (_e, _d, [source, start, end]) => {
    if ((end as Loose) < 0) {
      const temp = String(source).substr(start as Loose);
      return temp.substr(0, temp.length + (end as Loose));
    }
    return String(source).substr(start as Loose, end as Loose);
  },
  '+': (_e, _d, args) =>
    Array.prototype.reduce.call(args, (a, b) => parseFloat(a as string) + parseFloat(b as string), 0),
  // Without a seed, like json-logic-js: `*` of no arguments throws a TypeError.
  '*': (_e, _d, args) => args.reduce((a, b) => parseFloat(a as string) * parseFloat(b as string)),
  '-': (_e, _d, [a, b]) => (b === undefined ? -(a as Loose) : (a as Loose) - (b as Loose)),
  '/': (_e, _d, [a, b]) => (a as Loose) / (b as Loose),
  min: (_e, _d, args) => Math.min.apply(null, args as number[]),
  max: (_e, _d, args) => Math.max.apply(null, args as number[]),
  merge: (_e, _d, args) => Array.prototype.reduce.call(args, (a, b) => (a as unknown[]).concat(b), []),
  var: (_e, data, [a, b]) => lookupVar(data, a, b),
  missing: (_e, data, args) => missingKeys(data, args),
  missing_some: (_e, data, [needCount, options]) => {
    const asArgs = Array.isArray(options) ? options : [options];
    const areMissing = missingKeys(data, asArgs);
    if ((options as unknown[]).length - areMissing.length >= (needCount as Loose)) return [];
    return areMissing;
  },
};

/** json-logic-js's special forms, evaluated lazily by the engine rather than through the table. */
export type SpecialFormName =
  | 'if'
  | '?:'
  | 'and'
  | 'or'
  | 'filter'
  | 'map'
  | 'reduce'
  | 'all'
  | 'none'
  | 'some';

/** The special form names. */
export const SPECIAL_FORMS: readonly SpecialFormName[] = [
  'if',
  '?:',
  'and',
  'or',
  'filter',
  'map',
  'reduce',
  'all',
  'none',
  'some',
];
