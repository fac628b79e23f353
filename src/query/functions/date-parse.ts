/**
 * Date values of AQL: ISO 8601-like strings (years 0000–9999, loose month/day digits, optional
 * time and offset) or millisecond timestamps, all in UTC unless a time zone argument is given.
 */
export const MIN_TIMESTAMP = -62167219200000;
export const MAX_TIMESTAMP = 253402300799999;

const DATE_RE = /^\s*(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[Tt ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?)?\s*(Z|z|[+-]\d{1,2}(?::?\d{2})?)?\s*$/;

/** UTC milliseconds for calendar components; months/days overflow like ArangoDB's date arithmetic. */
export function utcMillis(y: number, m: number, d: number, h = 0, i = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  date.setUTCHours(h, i, s, ms);
  return date.getTime();
}

export function parseDateString(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const num = (i: number, dflt: number): number => (m[i] === undefined ? dflt : Number(m[i]));
  const month = num(2, 1);
  const day = num(3, 1);
  const hour = num(4, 0);
  const minute = num(5, 0);
  const second = num(6, 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const frac = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-9);
  let ts = utcMillis(num(1, 0), month, day, hour, minute, second, frac);
  const tz = m[8];
  if (tz && tz !== 'Z' && tz !== 'z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const hh = Number(digits.length <= 2 ? digits : digits.slice(0, digits.length - 2));
    const mm = digits.length <= 2 ? 0 : Number(digits.slice(-2));
    ts -= sign * (hh * 60 + mm) * 60000;
  }
  return ts;
}

export function isDateString(text: string): boolean {
  const ts = parseDateString(text);
  return ts !== null && ts >= MIN_TIMESTAMP && ts <= MAX_TIMESTAMP;
}

/** Timestamp of a date argument, or null when it is not a valid date. */
export function toTimestamp(v: unknown): number | null {
  let ts: number | null = null;
  if (typeof v === 'number') ts = Number.isFinite(v) ? Math.trunc(v) : null;
  else if (typeof v === 'string') ts = parseDateString(v);
  if (ts === null || ts < MIN_TIMESTAMP || ts > MAX_TIMESTAMP) return null;
  return ts;
}

function pad(n: number, width: number): string {
  return String(Math.abs(n)).padStart(width, '0');
}

export function isoString(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T`
    + `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** Offset of an IANA time zone from UTC at the given instant, in ms; null for unknown zones. */
export function zoneOffset(ts: number, zone: string): number | null {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return null;
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(ts))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = utcMillis(parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return local - (ts - (((ts % 1000) + 1000) % 1000));
}

export interface DateParts {
  year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number;
  dayOfWeek: number; dayOfYear: number; isoWeek: number; leap: boolean; daysInMonth: number; quarter: number;
}

export function dateParts(ts: number): DateParts {
  const d = new Date(ts);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const startOfYear = utcMillis(year, 1, 1);
  const dayOfYear = Math.floor((utcMillis(year, month, d.getUTCDate()) - startOfYear) / 86400000) + 1;
  return {
    year, month, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), dayOfWeek: d.getUTCDay(), dayOfYear,
    isoWeek: isoWeek(year, month, d.getUTCDate()), leap,
    daysInMonth: new Date(utcMillis(year, month + 1, 0)).getUTCDate(), quarter: Math.floor((month - 1) / 3) + 1,
  };
}

function isoWeek(y: number, m: number, d: number): number {
  const date = new Date(utcMillis(y, m, d));
  const dow = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - dow);
  const yearStart = utcMillis(date.getUTCFullYear(), 1, 1);
  return Math.ceil(((date.getTime() - yearStart) / 86400000 + 1) / 7);
}
