import { toNumber } from '../types.js';
import { arg, def, invalidDate, typeMismatch, type FnContext, type FnDef } from './context.js';
import { dateParts, isoString, MAX_TIMESTAMP, MIN_TIMESTAMP, toTimestamp, utcMillis, zoneOffset, type DateParts } from './date-parse.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Resolves a date argument (plus optional time zone) to a timestamp in "local" wall-clock ms. */
function localTs(ctx: FnContext, name: string, date: unknown, zone: unknown): number | null {
  const ts = toTimestamp(date);
  if (ts === null) return invalidDate(ctx, name);
  if (zone === null || zone === undefined) return ts;
  if (typeof zone !== 'string') return typeMismatch(ctx, name);
  const off = zoneOffset(ts, zone);
  if (off === null) return typeMismatch(ctx, name);
  return ts + off;
}

function partFn(pick: (p: DateParts) => unknown): FnDef {
  return def(1, 2, (ctx, a, name) => {
    const ts = localTs(ctx, name, arg(a, 0), a[1]);
    return ts === null ? null : pick(dateParts(ts));
  });
}

/** Timestamp from either one date argument or calendar components (DATE_TIMESTAMP(y, m, d, ...)). */
function fromArgs(ctx: FnContext, name: string, a: unknown[]): number | null {
  if (a.length === 1) {
    const ts = toTimestamp(a[0]);
    return ts === null ? invalidDate(ctx, name) : ts;
  }
  const n = a.map((x) => Math.trunc(toNumber(x)));
  const ts = utcMillis(n[0] ?? 0, n[1] ?? 1, n[2] ?? 1, n[3] ?? 0, n[4] ?? 0, n[5] ?? 0, n[6] ?? 0);
  if (ts < MIN_TIMESTAMP || ts > MAX_TIMESTAMP) return invalidDate(ctx, name);
  return ts;
}

const UNIT_ALIASES: Record<string, string> = {
  y: 'y', year: 'y', years: 'y', m: 'm', month: 'm', months: 'm', w: 'w', week: 'w', weeks: 'w',
  d: 'd', day: 'd', days: 'd', h: 'h', hour: 'h', hours: 'h', i: 'i', minute: 'i', minutes: 'i',
  s: 's', second: 's', seconds: 's', f: 'f', millisecond: 'f', milliseconds: 'f',
};
const UNIT_MS: Record<string, number> = { w: 604800000, d: 86400000, h: 3600000, i: 60000, s: 1000, f: 1 };

function addUnits(ts: number, amount: number, unit: string): number {
  if (unit === 'y' || unit === 'm') {
    const d = new Date(ts);
    const months = unit === 'y' ? amount * 12 : amount;
    const whole = Math.trunc(months);
    d.setUTCMonth(d.getUTCMonth() + whole);
    return d.getTime() + Math.round((months - whole) * 30 * 86400000);
  }
  return ts + Math.round(amount * (UNIT_MS[unit] ?? 0));
}

const DURATION_RE = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

function dateAdd(ctx: FnContext, a: unknown[], name: string, sign: number): unknown {
  let ts = toTimestamp(arg(a, 0));
  if (ts === null) return invalidDate(ctx, name);
  if (a.length === 2) {
    const m = typeof a[1] === 'string' ? DURATION_RE.exec(a[1]) : null;
    if (!m || a[1] === 'P' || a[1] === 'PT') return typeMismatch(ctx, name);
    const units = ['y', 'm', 'w', 'd', 'h', 'i', 's'];
    units.forEach((u, i) => {
      if (m[i + 1] !== undefined) ts = addUnits(ts as number, sign * Number(m[i + 1]), u);
    });
  } else {
    const unit = typeof a[2] === 'string' ? UNIT_ALIASES[a[2].toLowerCase()] : undefined;
    if (unit === undefined) return typeMismatch(ctx, name);
    ts = addUnits(ts, sign * toNumber(a[1]), unit);
  }
  if (ts < MIN_TIMESTAMP || ts > MAX_TIMESTAMP) return invalidDate(ctx, name);
  return isoString(ts);
}

function dateDiff(ctx: FnContext, a: unknown[], name: string): unknown {
  // DATE_DIFF(d1, d2, unit, asFloat?) or, in newer versions, (d1, d2, unit, timezone, asFloat?).
  const zone = typeof a[3] === 'string' ? a[3] : null;
  const asFloat = zone === null ? a[3] === true : a[4] === true;
  const t1 = localTs(ctx, name, arg(a, 0), zone);
  const t2 = localTs(ctx, name, arg(a, 1), zone);
  if (t1 === null || t2 === null) return null;
  const unit = typeof a[2] === 'string' ? UNIT_ALIASES[a[2].toLowerCase()] : undefined;
  if (unit === undefined) return typeMismatch(ctx, name);
  let diff: number;
  if (unit === 'y' || unit === 'm') {
    const p1 = dateParts(t1);
    const p2 = dateParts(t2);
    let months = (p2.year - p1.year) * 12 + (p2.month - p1.month);
    const anchor = addUnits(t1, months, 'm');
    const rest = (t2 - anchor) / (30 * 86400000);
    months += rest;
    diff = unit === 'y' ? months / 12 : months;
  } else {
    diff = (t2 - t1) / (UNIT_MS[unit] ?? 1);
  }
  return asFloat ? diff : Math.trunc(diff) || 0;
}

const TRUNC_UNITS: Record<string, number> = { y: 0, m: 1, d: 2, h: 3, i: 4, s: 5, f: 6 };

function dateTrunc(ctx: FnContext, a: unknown[], name: string): unknown {
  const ts = toTimestamp(arg(a, 0));
  if (ts === null) return invalidDate(ctx, name);
  const unit = typeof a[1] === 'string' ? UNIT_ALIASES[a[1].toLowerCase()] : undefined;
  const level = unit === undefined ? undefined : TRUNC_UNITS[unit];
  if (level === undefined) return typeMismatch(ctx, name);
  const p = dateParts(ts);
  const v = [p.year, p.month, p.day, p.hour, p.minute, p.second, p.ms].map((x, i) => (i <= level ? x : i === 1 || i === 2 ? 1 : 0));
  return isoString(utcMillis(v[0] ?? 0, v[1] ?? 1, v[2] ?? 1, v[3], v[4], v[5], v[6]));
}

function dateCompare(ctx: FnContext, a: unknown[], name: string): unknown {
  const t1 = toTimestamp(arg(a, 0));
  const t2 = toTimestamp(arg(a, 1));
  if (t1 === null || t2 === null) return invalidDate(ctx, name);
  const lvl = (u: unknown): number | undefined => {
    if (typeof u !== 'string') return undefined;
    const alias = UNIT_ALIASES[u.toLowerCase()];
    return alias === undefined ? undefined : TRUNC_UNITS[alias];
  };
  const start = lvl(a[2]);
  const end = a[3] === undefined || a[3] === null ? start : lvl(a[3]);
  if (start === undefined || end === undefined || end < start) return typeMismatch(ctx, name);
  const p1 = dateParts(t1);
  const p2 = dateParts(t2);
  const f1 = [p1.year, p1.month, p1.day, p1.hour, p1.minute, p1.second, p1.ms];
  const f2 = [p2.year, p2.month, p2.day, p2.hour, p2.minute, p2.second, p2.ms];
  for (let i = start; i <= end; i++) if (f1[i] !== f2[i]) return false;
  return true;
}

function pad(n: number, w: number): string {
  return String(Math.abs(n)).padStart(w, '0');
}

const FORMAT_RE = /%(yyyyyy|yyyy|yy|y|mmmm|mmm|mm|m|dd|d|hh|h|ii|i|ss|s|fff|f|xxx|x|kk|k|wwww|www|w|t|z|l|q|a|&|%)?/g;

export function formatDate(ts: number, fmt: string): string {
  const p = dateParts(ts);
  return fmt.replace(FORMAT_RE, (_m, code: string | undefined) => {
    switch (code) {
      case undefined: case '&': return '';
      case '%': return '%';
      case 't': return String(ts);
      case 'z': return isoString(ts);
      case 'w': return String(p.dayOfWeek);
      case 'www': return (DAYS[p.dayOfWeek] as string).slice(0, 3);
      case 'wwww': return DAYS[p.dayOfWeek] as string;
      case 'y': return String(p.year);
      case 'yy': return pad(p.year % 100, 2);
      case 'yyyy': return pad(p.year, 4);
      case 'yyyyyy': return `${p.year < 0 ? '-' : '+'}${pad(p.year, 6)}`;
      case 'm': return String(p.month);
      case 'mm': return pad(p.month, 2);
      case 'mmm': return (MONTHS[p.month - 1] as string).slice(0, 3);
      case 'mmmm': return MONTHS[p.month - 1] as string;
      case 'd': return String(p.day);
      case 'dd': return pad(p.day, 2);
      case 'h': return String(p.hour);
      case 'hh': return pad(p.hour, 2);
      case 'i': return String(p.minute);
      case 'ii': return pad(p.minute, 2);
      case 's': return String(p.second);
      case 'ss': return pad(p.second, 2);
      case 'f': return String(p.ms);
      case 'fff': return pad(p.ms, 3);
      case 'x': return String(p.dayOfYear);
      case 'xxx': return pad(p.dayOfYear, 3);
      case 'k': return String(p.isoWeek);
      case 'kk': return pad(p.isoWeek, 2);
      case 'l': return p.leap ? '1' : '0';
      case 'q': return String(p.quarter);
      default: return String(p.daysInMonth);
    }
  });
}

export const DATE_FUNCTIONS: Record<string, FnDef> = {
  DATE_NOW: def(0, 0, (ctx) => Math.floor(ctx.now())),
  DATE_ISO8601: def(1, 7, (ctx, a, name) => {
    const ts = fromArgs(ctx, name, a);
    return ts === null ? null : isoString(ts);
  }),
  DATE_TIMESTAMP: def(1, 7, (ctx, a, name) => fromArgs(ctx, name, a)),
  DATE_YEAR: partFn((p) => p.year),
  DATE_MONTH: partFn((p) => p.month),
  DATE_DAY: partFn((p) => p.day),
  DATE_HOUR: partFn((p) => p.hour),
  DATE_MINUTE: partFn((p) => p.minute),
  DATE_SECOND: partFn((p) => p.second),
  DATE_MILLISECOND: partFn((p) => p.ms),
  DATE_DAYOFWEEK: partFn((p) => p.dayOfWeek),
  DATE_DAYOFYEAR: partFn((p) => p.dayOfYear),
  DATE_QUARTER: partFn((p) => p.quarter),
  DATE_ISOWEEK: partFn((p) => p.isoWeek),
  DATE_LEAPYEAR: partFn((p) => p.leap),
  DATE_DAYS_IN_MONTH: partFn((p) => p.daysInMonth),
  DATE_ADD: def(2, 3, (ctx, a, name) => dateAdd(ctx, a, name, 1)),
  DATE_SUBTRACT: def(2, 3, (ctx, a, name) => dateAdd(ctx, a, name, -1)),
  DATE_DIFF: def(3, 5, dateDiff),
  DATE_COMPARE: def(3, 4, dateCompare),
  DATE_TRUNC: def(2, 3, dateTrunc),
  DATE_ISOWEEKYEAR: def(1, 2, (ctx, a, name) => {
    const ts = localTs(ctx, name, arg(a, 0), a[1]);
    if (ts === null) return null;
    const p = dateParts(ts);
    const thursday = ts + (4 - (p.dayOfWeek || 7)) * 86400000;
    return { week: p.isoWeek, year: dateParts(thursday).year };
  }),
  DATE_UTCTOLOCAL: def(2, 3, (ctx, a, name) => {
    const ts = localTs(ctx, name, arg(a, 0), arg(a, 1));
    if (ts === null) return null;
    return a[1] === 'UTC' ? isoString(ts) : isoString(ts).slice(0, -1);
  }),
  DATE_LOCALTOUTC: def(2, 3, (ctx, a, name) => {
    const local = toTimestamp(arg(a, 0));
    if (local === null) return invalidDate(ctx, name);
    if (typeof a[1] !== 'string') return typeMismatch(ctx, name);
    const guess = zoneOffset(local, a[1]);
    if (guess === null) return typeMismatch(ctx, name);
    const off = zoneOffset(local - guess, a[1]) ?? guess;
    return isoString(local - off);
  }),
  DATE_FORMAT: def(2, 3, (ctx, a, name) => {
    if (typeof a[1] !== 'string') return typeMismatch(ctx, name);
    const ts = localTs(ctx, name, arg(a, 0), a[2]);
    return ts === null ? null : formatDate(ts, a[1]);
  }),
};
