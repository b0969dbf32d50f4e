import { Decimal } from 'decimal.js';

/**
 * Decimal arithmetic shared by every engine: 40 significant digits and half-up rounding
 * (away from zero on .5), the rounding PostgreSQL's numeric uses, so JS and SQL agree.
 */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
/** A decimal.js value of {@link Dec}. */
export type DecValue = InstanceType<typeof Dec>;

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/** Parses a plain decimal string or finite number; returns undefined for anything else (no exponents). */
export function parseDecimal(value: unknown): DecValue | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    value = String(value);
  }
  if (typeof value !== 'string' || value.length > 80 || !DECIMAL_TEXT.test(value)) return undefined;
  return new Dec(value);
}

/** Rounds half-up to `scale` places and prints without exponent, e.g. `roundDecimal('2.345', 2)` → `"2.35"`. */
export function roundDecimal(value: DecValue | string | number, scale: number): string {
  return new Dec(value).toDecimalPlaces(scale, Dec.ROUND_HALF_UP).toFixed(scale);
}

/** Number of digits before and after the point of a decimal (ignoring sign and leading zeros). */
export function decimalDigits(value: DecValue): { integer: number; fraction: number } {
  const fixed = value.abs().toFixed();
  const [intPart = '0', fracPart = ''] = fixed.split('.');
  return { integer: intPart.replace(/^0+/, '').length, fraction: fracPart.length };
}
