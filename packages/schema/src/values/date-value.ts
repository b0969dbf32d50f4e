/** True for a real calendar date written `YYYY-MM-DD` (years 0001–9999). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, m, 0)).getUTCDate();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : days);
}

const ISO_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 timestamp that carries an offset (`Z` or `±hh:mm`); undefined otherwise. */
export function parseIsoDatetime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const match = ISO_DATETIME.exec(value);
  if (!match || !isIsoDate(match[1])) return undefined;
  if (Number(match[2]) > 23 || Number(match[3]) > 59 || Number(match[5] ?? 0) > 59) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

function zoneParts(date: Date, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return parts;
}

// Offsets change only at transitions, which tzdb places on quarter hours: cache per zone and quarter hour.
const QUARTER_HOUR = 15 * 60 * 1000;
const offsetCache = new Map<string, Map<number, number>>();

/** The zone's UTC offset in minutes at an instant (e.g. 480 for Asia/Shanghai). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  let perZone = offsetCache.get(timeZone);
  if (!perZone) {
    perZone = new Map();
    offsetCache.set(timeZone, perZone);
  }
  const bucket = Math.floor(date.getTime() / QUARTER_HOUR);
  let offset = perZone.get(bucket);
  if (offset === undefined) {
    const p = zoneParts(new Date(bucket * QUARTER_HOUR), timeZone);
    const local = Date.UTC(
      Number(p.year),
      Number(p.month) - 1,
      Number(p.day),
      Number(p.hour),
      Number(p.minute),
      Number(p.second),
    );
    offset = Math.round((local - bucket * QUARTER_HOUR) / 60000);
    if (perZone.size > 100_000) perZone.clear();
    perZone.set(bucket, offset);
  }
  return offset;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Formats an instant as ISO 8601 with the zone's offset, milliseconds kept.
 * @example formatInZone(new Date('2026-01-01T00:00:00Z'), 'Asia/Shanghai') → '2026-01-01T08:00:00.000+08:00'
 */
export function formatInZone(date: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(date, timeZone);
  const local = new Date(date.getTime() + offset * 60000);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The calendar date of an instant in a zone, `YYYY-MM-DD`. */
export function dateInZone(date: Date, timeZone: string): string {
  return formatInZone(date, timeZone).slice(0, 10);
}
