import {
  type CivilDate,
  formatDate,
  fromEpochDay,
  parseDate,
  parseDateTime,
  toEpochDay,
} from './calendar.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset in minutes at an instant (Intl, cached per zone and 15-minute bucket). */
export function offsetMinutesAt(epochMs: number, timeZone: string): number {
  const bucket = Math.floor(epochMs / 900_000);
  const key = `${timeZone}|${bucket}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(bucket * 900_000)))
    parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  const offset = Math.round((wall.getTime() - bucket * 900_000) / 60_000);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** The calendar date in the zone at an instant. */
export function localDateAt(epochMs: number, timeZone: string): CivilDate {
  const local = epochMs + offsetMinutesAt(epochMs, timeZone) * 60_000;
  return fromEpochDay(Math.floor(local / 86_400_000));
}

/** Milliseconds since local midnight in the zone at an instant. */
export function localTimeOfDayMs(epochMs: number, timeZone: string): number {
  const local = epochMs + offsetMinutesAt(epochMs, timeZone) * 60_000;
  return local - Math.floor(local / 86_400_000) * 86_400_000;
}

/** The instant of a local wall-clock time (date + ms after midnight) in the zone. */
export function instantOfLocal(date: CivilDate, msOfDay: number, timeZone: string): number {
  const wall = toEpochDay(date) * 86_400_000 + msOfDay;
  let guess = wall - offsetMinutesAt(wall, timeZone) * 60_000;
  guess = wall - offsetMinutesAt(guess, timeZone) * 60_000;
  return guess;
}

/** Formats an instant as ISO 8601 with the zone's offset, e.g. `2026-03-01T08:00:00.000+08:00`. */
export function formatInstant(epochMs: number, timeZone: string): string {
  const offset = offsetMinutesAt(epochMs, timeZone);
  const local = new Date(epochMs + offset * 60_000).toISOString().slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Reads a value as a calendar date in the zone: a `YYYY-MM-DD` string as itself, a date-time (string
 * with offset or `Date`) as its local date. Anything else is null.
 */
export function toLocalDate(value: unknown, timeZone: string): CivilDate | null {
  const date = parseDate(value);
  if (date) return date;
  const instant = parseDateTime(value);
  return instant === null ? null : localDateAt(instant, timeZone);
}

/** Reads a value as an instant: a date-time as itself, a `YYYY-MM-DD` date as its local midnight. */
export function toInstant(value: unknown, timeZone: string): number | null {
  const instant = parseDateTime(value);
  if (instant !== null) return instant;
  const date = parseDate(value);
  return date ? instantOfLocal(date, 0, timeZone) : null;
}

/** A calendar date's epoch day, for day arithmetic. */
export function epochDayOf(value: unknown, timeZone: string): number | null {
  const date = toLocalDate(value, timeZone);
  return date ? toEpochDay(date) : null;
}

export { formatDate };
