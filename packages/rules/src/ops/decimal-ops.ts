import { Decimal } from 'decimal.js';
import { RuleError } from '../core/rule-error.js';
import type { OpImpl, PlatformOpSpec } from './op-types.js';

/** A private decimal.js constructor: 100 significant digits, half-up (ties away from zero) rounding. */
export const Dec = Decimal.clone({
  precision: 100,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -100,
  toExpPos: 100,
});
type Dec = InstanceType<typeof Dec>;

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a money/decimal operand: a decimal string like "1234.50" or a finite number. Null, undefined
 * and "" read as null; anything else is an `invalid_argument` error.
 */
export function toDecimal(value: unknown): Dec | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value)) return new Dec(value);
  if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return new Dec(value.trim());
  throw new RuleError('invalid_argument', `not a decimal: ${JSON.stringify(value)}`);
}

/** True when a literal is an acceptable decimal operand (used by the checker and SQL compiler). */
export function isDecimalLiteral(value: unknown): boolean {
  try {
    toDecimal(value);
    return true;
  } catch {
    return false;
  }
}

/** Formats a decimal as plain digits (no exponent), e.g. "1234.5". */
export function decimalText(value: Dec): string {
  return value.toFixed();
}

function arithmetic(op: (x: Dec, y: Dec) => Dec | null): OpImpl {
  return (_e, _d, args) => {
    let acc: Dec | null = null;
    for (let i = 0; i < args.length; i++) {
      const next = toDecimal(args[i]);
      if (next === null) return null;
      acc = acc === null ? next : op(acc, next);
      if (acc === null) return null;
    }
    return acc === null ? null : decimalText(acc);
  };
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A plain decimal string (`-?digits[.digits]`) of at most 15 digits as its nearest double, else NaN.
 * Exact for ordering: the integer mantissa and the power of ten are both exact doubles, so their
 * quotient is the correctly rounded value, and correctly rounded decimals of ≤ 15 digits are distinct
 * and monotone (DBL_DIG = 15). Anything else takes the allocating path.
 */
export function plainDecimalNumber(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  const n = value.length;
  if (n === 0 || n > 17) return Number.NaN;
  const negative = value.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  const intStart = i;
  let mantissa = 0;
  let c = 0;
  for (; i < n; i++) {
    c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
  }
  const intDigits = i - intStart;
  if (intDigits === 0) return Number.NaN;
  let scale = 0;
  if (i < n) {
    if (c !== -2 || i === n - 1) return Number.NaN; // only a '.' followed by digits may follow
    for (i++; i < n; i++) {
      c = value.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      mantissa = mantissa * 10 + c;
    }
    scale = n - intStart - intDigits - 1;
  }
  if (intDigits + scale > 15) return Number.NaN;
  const abs = mantissa / POW10[scale]!;
  return negative ? -abs : abs;
}

const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Exact comparison of two plain decimal strings without allocating decimals; null when not plain. */
function comparePlain(a: unknown, b: unknown): number | null {
  if (typeof a !== 'string' || typeof b !== 'string') return null;
  const x = PLAIN.exec(a);
  const y = PLAIN.exec(b);
  if (!x || !y) return null;
  const xi = x[2]!.replace(/^0+(?=\d)/, '');
  const yi = y[2]!.replace(/^0+(?=\d)/, '');
  const xf = (x[3] ?? '').replace(/0+$/, '');
  const yf = (y[3] ?? '').replace(/0+$/, '');
  const xZero = xi === '0' && xf === '';
  const yZero = yi === '0' && yf === '';
  const xs = xZero ? 0 : x[1] ? -1 : 1;
  const ys = yZero ? 0 : y[1] ? -1 : 1;
  if (xs !== ys) return xs < ys ? -1 : 1;
  if (xs === 0) return 0;
  let magnitude: number;
  if (xi.length !== yi.length) magnitude = xi.length < yi.length ? -1 : 1;
  else if (xi !== yi) magnitude = xi < yi ? -1 : 1;
  else if (xf === yf) magnitude = 0;
  else magnitude = xf < yf ? -1 : 1; // trailing zeros stripped, so plain string order is numeric order
  return xs * magnitude;
}

function compare(test: (c: number) => boolean): OpImpl {
  return (_e, _d, [a, b]) => {
    const x = plainDecimalNumber(a);
    const y = plainDecimalNumber(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return test(x < y ? -1 : x > y ? 1 : 0);
    const fast = comparePlain(a, b);
    if (fast !== null) return test(fast);
    const p = toDecimal(a);
    const q = toDecimal(b);
    return p !== null && q !== null && test(p.comparedTo(q));
  };
}

const two = ['decimal', 'decimal'] as const;

/**
 * Decimal-exact money arithmetic and comparison over decimal strings. Results are plain decimal
 * strings; `dec_round` rounds half-up; `dec_div` by zero gives null; a null operand gives null
 * (arithmetic) or false (comparison).
 */
export const DECIMAL_OPS = {
  dec_add: { impl: arithmetic((x, y) => x.plus(y)), arity: [2, 20], params: two, result: 'decimal' },
  dec_sub: { impl: arithmetic((x, y) => x.minus(y)), arity: [2, 2], params: two, result: 'decimal' },
  dec_mul: { impl: arithmetic((x, y) => x.times(y)), arity: [2, 20], params: two, result: 'decimal' },
  dec_div: {
    impl: arithmetic((x, y) => (y.isZero() ? null : x.dividedBy(y))),
    arity: [2, 2],
    params: two,
    result: 'decimal',
  },
  dec_round: {
    impl: (_e, _d, [a, places]) => {
      const x = toDecimal(a);
      if (x === null) return null;
      const p = places === undefined ? 2 : places;
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 20) {
        throw new RuleError('invalid_argument', 'dec_round places must be an integer 0..20');
      }
      return x.toFixed(p, Dec.ROUND_HALF_UP);
    },
    arity: [1, 2],
    params: ['decimal', 'integer'],
    result: 'decimal',
  },
  dec_eq: { impl: compare((c) => c === 0), arity: [2, 2], params: two, result: 'boolean' },
  dec_ne: { impl: compare((c) => c !== 0), arity: [2, 2], params: two, result: 'boolean' },
  dec_lt: { impl: compare((c) => c < 0), arity: [2, 2], params: two, result: 'boolean' },
  dec_lte: { impl: compare((c) => c <= 0), arity: [2, 2], params: two, result: 'boolean' },
  dec_gt: { impl: compare((c) => c > 0), arity: [2, 2], params: two, result: 'boolean' },
  dec_gte: { impl: compare((c) => c >= 0), arity: [2, 2], params: two, result: 'boolean' },
} satisfies Record<string, PlatformOpSpec>;
