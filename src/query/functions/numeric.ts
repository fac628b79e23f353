import { GdnError } from '../../core/errors.js';
import { compareValues, numberOrNull, toNumber, truthy } from '../types.js';
import { arrayExpected, def, typeMismatch, type FnContext, type FnDef } from './context.js';

function math1(f: (x: number) => number): FnDef {
  return def(1, 1, (_c, a) => numberOrNull(f(toNumber(a[0]))));
}

/** The numeric members of an array argument (nulls skipped); null when a non-number is present. */
function numbersOf(ctx: FnContext, name: string, v: unknown): number[] | null | 'invalid' {
  if (!Array.isArray(v)) {
    arrayExpected(ctx, name);
    return 'invalid';
  }
  const out: number[] = [];
  for (const x of v) {
    if (x === null) continue;
    if (typeof x !== 'number') return null;
    out.push(x);
  }
  return out;
}

function aggregate(f: (xs: number[]) => number | null): FnDef {
  return def(1, 1, (ctx, a, name) => {
    const xs = numbersOf(ctx, name, a[0]);
    if (xs === 'invalid' || xs === null) return null;
    const r = f(xs);
    return r === null ? null : numberOrNull(r);
  });
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function variance(xs: number[], sample: boolean): number | null {
  if (xs.length === 0 || (sample && xs.length < 2)) return null;
  const mean = sum(xs) / xs.length;
  let s = 0;
  for (const x of xs) s += (x - mean) ** 2;
  return s / (sample ? xs.length - 1 : xs.length);
}

function percentile(ctx: FnContext, a: unknown[], name: string): unknown {
  const xs = numbersOf(ctx, name, a[0]);
  if (xs === 'invalid' || xs === null || xs.length === 0) return null;
  const p = toNumber(a[1]);
  if (typeof a[1] !== 'number' || p <= 0 || p > 100) return typeMismatch(ctx, name);
  const method = a[2] === undefined || a[2] === null ? 'rank' : a[2];
  const sorted = [...xs].sort((x, y) => x - y);
  const n = sorted.length;
  if (method === 'interpolation') {
    const pos = (p / 100) * (n + 1) - 1;
    const lo = Math.floor(pos);
    if (lo < 0) return sorted[0];
    if (lo >= n - 1) return sorted[n - 1];
    const frac = pos - lo;
    return (sorted[lo] as number) + frac * ((sorted[lo + 1] as number) - (sorted[lo] as number));
  }
  if (method !== 'rank') return typeMismatch(ctx, name);
  const idx = Math.ceil((p / 100) * n) - 1;
  return sorted[Math.max(0, Math.min(n - 1, idx))];
}

/** Generates RANGE/`..` values; more than `max` elements is error 1504 as in ArangoDB. */
export function makeRange(ctx: FnContext, name: string, start: number, stop: number, step: number | null): number[] | null {
  const s = step ?? (start <= stop ? 1 : -1);
  if (s === 0 || (start < stop && s < 0) || (start > stop && s > 0)) {
    ctx.warn(1542, `invalid argument type in call to function '${name}()'`);
    return null;
  }
  const count = Math.floor((stop - start) / s + 1e-9) + 1;
  if (count > ctx.maxArrayLength) throw new GdnError('QUERY_NUMBER_OUT_OF_RANGE', `number out of range: ${name}() would produce ${count} values`);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = start + i * s;
  return out;
}

export const NUMERIC_FUNCTIONS: Record<string, FnDef> = {
  FLOOR: math1(Math.floor),
  CEIL: math1(Math.ceil),
  ROUND: math1((x) => Math.round(x)),
  ABS: math1(Math.abs),
  SQRT: math1(Math.sqrt),
  EXP: math1(Math.exp),
  EXP2: math1((x) => 2 ** x),
  LOG: math1(Math.log),
  LOG2: math1(Math.log2),
  LOG10: math1(Math.log10),
  SIN: math1(Math.sin),
  COS: math1(Math.cos),
  TAN: math1(Math.tan),
  ASIN: math1(Math.asin),
  ACOS: math1(Math.acos),
  ATAN: math1(Math.atan),
  RADIANS: math1((x) => (x * Math.PI) / 180),
  DEGREES: math1((x) => (x * 180) / Math.PI),
  ATAN2: def(2, 2, (_c, a) => numberOrNull(Math.atan2(toNumber(a[0]), toNumber(a[1])))),
  POW: def(2, 2, (_c, a) => numberOrNull(toNumber(a[0]) ** toNumber(a[1]))),
  PI: def(0, 0, () => Math.PI),
  IN_RANGE: def(5, 5, (_c, a) => {
    const [v, lo, hi] = [a[0], a[1], a[2]];
    const lower = truthy(a[3]) ? compareValues(v, lo) >= 0 : compareValues(v, lo) > 0;
    const upper = truthy(a[4]) ? compareValues(v, hi) <= 0 : compareValues(v, hi) < 0;
    return lower && upper;
  }),
  RAND: def(0, 0, () => Math.random()),
  RANGE: def(2, 3, (ctx, a, name) => {
    const step = a[2] === undefined || a[2] === null ? null : toNumber(a[2]);
    // Without a step the bounds are integers, like the `..` operator.
    const start = step === null ? Math.trunc(toNumber(a[0])) : toNumber(a[0]);
    const stop = step === null ? Math.trunc(toNumber(a[1])) : toNumber(a[1]);
    return makeRange(ctx, name, start, stop, step);
  }),
  MIN: def(1, 1, (ctx, a, name) => {
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    let best: unknown = null;
    for (const x of a[0]) if (x !== null && (best === null || compareValues(x, best) < 0)) best = x;
    return best;
  }),
  MAX: def(1, 1, (ctx, a, name) => {
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    let best: unknown = null;
    for (const x of a[0]) if (compareValues(x, best) > 0) best = x;
    return best;
  }),
  SUM: aggregate(sum),
  PRODUCT: aggregate((xs) => xs.reduce((p, x) => p * x, 1)),
  AVERAGE: aggregate((xs) => (xs.length === 0 ? null : sum(xs) / xs.length)),
  AVG: aggregate((xs) => (xs.length === 0 ? null : sum(xs) / xs.length)),
  MEDIAN: aggregate((xs) => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((x, y) => x - y);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  }),
  PERCENTILE: def(2, 3, percentile),
  VARIANCE_POPULATION: aggregate((xs) => variance(xs, false)),
  VARIANCE: aggregate((xs) => variance(xs, false)),
  VARIANCE_SAMPLE: aggregate((xs) => variance(xs, true)),
  STDDEV_POPULATION: aggregate((xs) => { const v = variance(xs, false); return v === null ? null : Math.sqrt(v); }),
  STDDEV: aggregate((xs) => { const v = variance(xs, false); return v === null ? null : Math.sqrt(v); }),
  STDDEV_SAMPLE: aggregate((xs) => { const v = variance(xs, true); return v === null ? null : Math.sqrt(v); }),
};

