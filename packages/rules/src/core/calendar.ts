/** A calendar date. */
export interface CivilDate {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in a month (1-based month). */
export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** Parses a canonical `YYYY-MM-DD` calendar date; anything else gives null. */
export function parseDate(value: unknown): CivilDate | null {
  if (typeof value !== 'string') return null;
  const match = DATE_RE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/**
 * A canonical `YYYY-MM-DD` string as `y·512 + m·32 + d`, an order-preserving key parsed without a regex
 * or allocation, or NaN for anything {@link parseDate} would reject. Two keys compare as the dates do.
 */
export function canonicalDateKey(value: unknown): number {
  if (typeof value !== 'string' || value.length !== 10) return Number.NaN;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return Number.NaN;
  const y = digits(value, 0, 4);
  const m = digits(value, 5, 7);
  const d = digits(value, 8, 10);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return Number.NaN;
  return y * 512 + m * 32 + d;
}

/** The epoch day of a canonical `YYYY-MM-DD` string (see {@link canonicalDateKey}), or NaN. */
export function canonicalEpochDay(value: unknown): number {
  const key = canonicalDateKey(value);
  return !Number.isNaN(key) ? epochDayOfYmd(Math.floor(key / 512), Math.floor(key / 32) % 16, key % 32) : key;
}

/** The ASCII digits value[from..to) as a number, or -1 if any is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Formats a calendar date as `YYYY-MM-DD`. */
export function formatDate(date: CivilDate): string {
  return `${String(date.y).padStart(4, '0')}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;
}

/** Parses an ISO 8601 date-time with an offset (or a `Date`) to epoch milliseconds; else null. */
export function parseDateTime(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value !== 'string') return null;
  const match = DATETIME_RE.exec(value);
  if (!match) return null;
  const [, ys, ms, ds, hs, mins, ss, frac, zone] = match;
  const y = Number(ys);
  const m = Number(ms);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mins);
  const s = ss === undefined ? 0 : Number(ss);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || h > 23 || mi > 59 || s > 59) return null;
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(y, m - 1, d);
  utc.setUTCHours(h, mi, s, millis);
  return utc.getTime() - offsetMinutes * 60_000;
}

/** Days since 1970-01-01 for a calendar date (proleptic Gregorian). */
export function toEpochDay(date: CivilDate): number {
  return epochDayOfYmd(date.y, date.m, date.d);
}

/** {@link toEpochDay} of a year, month and day, without an object. */
function epochDayOfYmd(year: number, m: number, d: number): number {
  // Howard Hinnant's days_from_civil: exact integer arithmetic, no Date allocation.
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The calendar date of an epoch day. */
export function fromEpochDay(day: number): CivilDate {
  const utc = new Date(day * 86_400_000);
  return { y: utc.getUTCFullYear(), m: utc.getUTCMonth() + 1, d: utc.getUTCDate() };
}

/** Adds months, clamping the day to the month's end the way PostgreSQL's `date + interval` does. */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const index = date.y * 12 + (date.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return { y, m, d: Math.min(date.d, daysInMonth(y, m)) };
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
export function isoWeekday(date: CivilDate): number {
  const dow = (((toEpochDay(date) + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return dow + 1;
}
