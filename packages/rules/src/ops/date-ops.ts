import {
  addMonths,
  canonicalEpochDay,
  formatDate,
  fromEpochDay,
  isoWeekday,
  parseDate,
  toEpochDay,
} from '../core/calendar.js';
import type { OpEnv } from '../core/eval-context.js';
import { RuleError } from '../core/rule-error.js';
import {
  formatInstant,
  instantOfLocal,
  localDateAt,
  localTimeOfDayMs,
  toInstant,
  toLocalDate,
} from '../core/time-zone.js';
import type { OpImpl, PlatformOpSpec } from './op-types.js';

/** Units accepted by `date_add`. */
export const DATE_UNITS = ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
/** A `date_add` unit. */
export type DateUnit = (typeof DATE_UNITS)[number];

function clockOf(env: OpEnv): number {
  const now = env.ctx.now;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new RuleError('missing_context', 'now/today need ctx.now (the injected clock reading)');
  }
  return now.getTime();
}

type Cmp = (x: number, y: number) => boolean;
const CMP: Record<'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte', Cmp> = {
  eq: (x, y) => x === y,
  ne: (x, y) => x !== y,
  lt: (x, y) => x < y,
  lte: (x, y) => x <= y,
  gt: (x, y) => x > y,
  gte: (x, y) => x >= y,
};

/** The epoch day a date operation reads from a value (a canonical date string fast), or NaN. */
export function epochDayOrNaN(value: unknown, timeZone: string): number {
  const fast = canonicalEpochDay(value);
  if (!Number.isNaN(fast)) return fast;
  const date = toLocalDate(value, timeZone);
  return date === null ? Number.NaN : toEpochDay(date);
}

function dateCompare(cmp: Cmp): OpImpl {
  return (env, _d, [a, b]) => {
    const x = epochDayOrNaN(a, env.timeZone);
    const y = epochDayOrNaN(b, env.timeZone);
    return !Number.isNaN(x) && !Number.isNaN(y) && cmp(x, y);
  };
}

function instantCompare(cmp: Cmp): OpImpl {
  return (env, _d, [a, b]) => {
    const x = toInstant(a, env.timeZone);
    const y = toInstant(b, env.timeZone);
    return x !== null && y !== null && cmp(x, y);
  };
}

function startOf(unit: 'week' | 'month' | 'quarter' | 'year'): OpImpl {
  return (env, _d, [a]) => {
    const date = toLocalDate(a, env.timeZone);
    if (!date) return null;
    switch (unit) {
      case 'week':
        return formatDate(fromEpochDay(toEpochDay(date) - (isoWeekday(date) - 1)));
      case 'month':
        return formatDate({ y: date.y, m: date.m, d: 1 });
      case 'quarter':
        return formatDate({ y: date.y, m: date.m - ((date.m - 1) % 3), d: 1 });
      case 'year':
        return formatDate({ y: date.y, m: 1, d: 1 });
    }
  };
}

const MONTHS_PER: Partial<Record<DateUnit, number>> = { month: 1, quarter: 3, year: 12 };
const DAYS_PER: Partial<Record<DateUnit, number>> = { day: 1, week: 7 };
const MS_PER: Partial<Record<DateUnit, number>> = { minute: 60_000, hour: 3_600_000 };

/**
 * `date_add [value, amount, unit]`: a `YYYY-MM-DD` date plus whole days/weeks/months/quarters/years
 * gives a date (month ends clamp, like PostgreSQL); a date-time gives a date-time, with day and longer
 * units added on the local calendar of the app zone. Null or unparsable input, or a non-integer
 * amount, gives null. A date plus hours/minutes is treated as its local midnight.
 */
const dateAdd: OpImpl = (env, _d, [value, amount, unit]) => {
  if (typeof amount !== 'number' || !Number.isInteger(amount)) return null;
  if (typeof unit !== 'string' || !(DATE_UNITS as readonly string[]).includes(unit)) {
    throw new RuleError('invalid_argument', `date_add unit must be one of ${DATE_UNITS.join(', ')}`);
  }
  const u = unit as DateUnit;
  const date = parseDate(value);
  const tz = env.timeZone;
  if (date && MS_PER[u] === undefined) {
    const months = MONTHS_PER[u];
    if (months !== undefined) return formatDate(addMonths(date, amount * months));
    return formatDate(fromEpochDay(toEpochDay(date) + amount * (DAYS_PER[u] ?? 0)));
  }
  const instant = toInstant(value, tz);
  if (instant === null) return null;
  const ms = MS_PER[u];
  if (ms !== undefined) return formatInstant(instant + amount * ms, tz);
  const local = localDateAt(instant, tz);
  const timeOfDay = localTimeOfDayMs(instant, tz);
  const months = MONTHS_PER[u];
  const shifted =
    months !== undefined
      ? addMonths(local, amount * months)
      : fromEpochDay(toEpochDay(local) + amount * (DAYS_PER[u] ?? 0));
  return formatInstant(instantOfLocal(shifted, timeOfDay, tz), tz);
};

const temporal = ['temporal', 'temporal'] as const;

/** Date and time operations, all in the app time zone. */
export const DATE_OPS = {
  today: {
    impl: (env) => formatDate(localDateAt(clockOf(env), env.timeZone)),
    arity: [0, 0],
    params: [],
    result: 'date',
    contextConstant: true,
  },
  now: {
    impl: (env) => formatInstant(clockOf(env), env.timeZone),
    arity: [0, 0],
    params: [],
    result: 'datetime',
    contextConstant: true,
  },
  date_eq: { impl: dateCompare(CMP.eq), arity: [2, 2], params: temporal, result: 'boolean' },
  date_ne: { impl: dateCompare(CMP.ne), arity: [2, 2], params: temporal, result: 'boolean' },
  date_lt: { impl: dateCompare(CMP.lt), arity: [2, 2], params: temporal, result: 'boolean' },
  date_lte: { impl: dateCompare(CMP.lte), arity: [2, 2], params: temporal, result: 'boolean' },
  date_gt: { impl: dateCompare(CMP.gt), arity: [2, 2], params: temporal, result: 'boolean' },
  date_gte: { impl: dateCompare(CMP.gte), arity: [2, 2], params: temporal, result: 'boolean' },
  datetime_eq: { impl: instantCompare(CMP.eq), arity: [2, 2], params: temporal, result: 'boolean' },
  datetime_lt: { impl: instantCompare(CMP.lt), arity: [2, 2], params: temporal, result: 'boolean' },
  datetime_lte: { impl: instantCompare(CMP.lte), arity: [2, 2], params: temporal, result: 'boolean' },
  datetime_gt: { impl: instantCompare(CMP.gt), arity: [2, 2], params: temporal, result: 'boolean' },
  datetime_gte: { impl: instantCompare(CMP.gte), arity: [2, 2], params: temporal, result: 'boolean' },
  date_diff_days: {
    impl: (env, _d, [a, b]) => {
      const x = toLocalDate(a, env.timeZone);
      const y = toLocalDate(b, env.timeZone);
      return x === null || y === null ? null : toEpochDay(y) - toEpochDay(x);
    },
    arity: [2, 2],
    params: temporal,
    result: 'number',
  },
  datetime_diff_hours: {
    impl: (env, _d, [a, b]) => {
      const x = toInstant(a, env.timeZone);
      const y = toInstant(b, env.timeZone);
      return x === null || y === null ? null : Math.trunc((y - x) / 3_600_000) + 0;
    },
    arity: [2, 2],
    params: temporal,
    result: 'number',
  },
  date_add: { impl: dateAdd, arity: [3, 3], params: ['temporal', 'integer', 'unit'], result: 'any' },
  start_of_week: { impl: startOf('week'), arity: [1, 1], params: ['temporal'], result: 'date' },
  start_of_month: { impl: startOf('month'), arity: [1, 1], params: ['temporal'], result: 'date' },
  start_of_quarter: { impl: startOf('quarter'), arity: [1, 1], params: ['temporal'], result: 'date' },
  start_of_year: { impl: startOf('year'), arity: [1, 1], params: ['temporal'], result: 'date' },
} satisfies Record<string, PlatformOpSpec>;
