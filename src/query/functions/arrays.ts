import { GdnError } from '../../core/errors.js';
import { compareValues, toNumber, toStringValue, truthy, valuesEqual } from '../types.js';
import { arg, arrayExpected, def, typeMismatch, VARIADIC, type FnContext, type FnDef } from './context.js';
import { codePoints } from './strings.js';

/** Distinct values by AQL equality, first occurrence kept. */
export function uniqueValues(xs: unknown[]): unknown[] {
  const seen = new Map<string, unknown[]>();
  const out: unknown[] = [];
  for (const x of xs) {
    const h = hashKey(x);
    const bucket = seen.get(h);
    if (bucket?.some((y) => valuesEqual(x, y))) continue;
    if (bucket) bucket.push(x);
    else seen.set(h, [x]);
    out.push(x);
  }
  return out;
}

/** A cheap bucket key consistent with valuesEqual (equal values always share a key). */
function hashKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  if (typeof v === 'object') return Array.isArray(v) ? `a${v.length}` : 'o';
  return `${typeof v}:${String(v)}`;
}

export function lengthOf(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return codePoints(toStringValue(v)).length;
  if (typeof v === 'string') return codePoints(v).length;
  if (Array.isArray(v)) return v.length;
  return Object.keys(v).length;
}

function includes(xs: unknown[], v: unknown): boolean {
  return xs.some((x) => valuesEqual(x, v));
}

function arrays(ctx: FnContext, name: string, a: unknown[]): unknown[][] | null {
  if (!a.every(Array.isArray)) {
    typeMismatch(ctx, name);
    return null;
  }
  return a as unknown[][];
}

function flatten(xs: unknown[], depth: number): unknown[] {
  const out: unknown[] = [];
  for (const x of xs) {
    if (Array.isArray(x) && depth > 0) for (const y of flatten(x, depth - 1)) out.push(y);
    else out.push(x);
  }
  return out;
}

function position(a: unknown[]): unknown {
  const xs = a[0] as unknown[];
  const idx = xs.findIndex((x) => valuesEqual(x, arg(a, 1)));
  return truthy(a[2]) ? idx : idx >= 0;
}

export const ARRAY_FUNCTIONS: Record<string, FnDef> = {
  LENGTH: def(1, 1, (_c, a) => lengthOf(a[0])),
  COUNT: def(1, 1, (_c, a) => lengthOf(a[0])),
  FIRST: def(1, 1, (ctx, a, name) => (Array.isArray(a[0]) ? a[0][0] ?? null : arrayExpected(ctx, name))),
  LAST: def(1, 1, (ctx, a, name) => (Array.isArray(a[0]) ? a[0][a[0].length - 1] ?? null : arrayExpected(ctx, name))),
  NTH: def(2, 2, (ctx, a, name) => {
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    const i = Math.trunc(toNumber(a[1]));
    return i < 0 ? null : a[0][i] ?? null;
  }),
  POSITION: def(2, 3, (ctx, a, name) => (Array.isArray(a[0]) ? position(a) : arrayExpected(ctx, name))),
  CONTAINS_ARRAY: def(2, 3, (ctx, a, name) => (Array.isArray(a[0]) ? position(a) : arrayExpected(ctx, name))),
  PUSH: def(2, 3, (ctx, a, name) => {
    if (a[0] === null) return [arg(a, 1)];
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    if (truthy(a[2]) && includes(a[0], arg(a, 1))) return a[0];
    return [...a[0], arg(a, 1)];
  }),
  APPEND: def(2, 3, (ctx, a, name) => {
    const base = a[0] === null ? [] : a[0];
    if (!Array.isArray(base)) return arrayExpected(ctx, name);
    const add = a[1] === null ? [] : Array.isArray(a[1]) ? a[1] : [a[1]];
    const out = [...base, ...add];
    return truthy(a[2]) ? uniqueValues(out) : out;
  }),
  UNSHIFT: def(2, 3, (ctx, a, name) => {
    if (a[0] === null) return [arg(a, 1)];
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    if (truthy(a[2]) && includes(a[0], arg(a, 1))) return a[0];
    return [arg(a, 1), ...a[0]];
  }),
  POP: def(1, 1, (ctx, a, name) => (a[0] === null ? null : Array.isArray(a[0]) ? a[0].slice(0, -1) : arrayExpected(ctx, name))),
  SHIFT: def(1, 1, (ctx, a, name) => (a[0] === null ? null : Array.isArray(a[0]) ? a[0].slice(1) : arrayExpected(ctx, name))),
  REMOVE_VALUE: def(2, 3, (ctx, a, name) => {
    if (a[0] === null) return [];
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    let limit = a[2] === undefined || a[2] === null ? Infinity : Math.trunc(toNumber(a[2]));
    return a[0].filter((x) => {
      if (limit > 0 && valuesEqual(x, arg(a, 1))) {
        limit--;
        return false;
      }
      return true;
    });
  }),
  REMOVE_VALUES: def(2, 2, (ctx, a, name) => {
    if (a[0] === null) return [];
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    const remove = Array.isArray(a[1]) ? a[1] : [];
    return a[0].filter((x) => !includes(remove, x));
  }),
  REMOVE_NTH: def(2, 2, (ctx, a, name) => {
    if (a[0] === null) return [];
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    let pos = toNumber(a[1]);
    if (pos < 0) pos += a[0].length;
    const i = Math.trunc(pos);
    if (pos < 0 || i >= a[0].length) return a[0];
    return [...a[0].slice(0, i), ...a[0].slice(i + 1)];
  }),
  REPLACE_NTH: def(3, 4, (ctx, a, name) => {
    if (a[0] === null) return null;
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    if (typeof a[1] !== 'number') throw new GdnError('QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH', `invalid argument type in call to function '${name}()'`);
    const xs = [...a[0]];
    let i = Math.trunc(a[1]);
    if (i < 0) i += xs.length;
    if (i < 0) throw new GdnError('QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH', `invalid argument type in call to function '${name}()'`);
    if (i >= xs.length && a[3] === undefined && i > xs.length) throw new GdnError('QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH', `invalid argument type in call to function '${name}()'`);
    while (xs.length < i) xs.push(arg(a, 3));
    xs[i] = arg(a, 2);
    return xs;
  }),
  SLICE: def(2, 3, (ctx, a, name) => {
    if (a[0] === null) return [];
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    const xs = a[0];
    let start = Math.trunc(toNumber(a[1]));
    if (start < 0) start = Math.max(0, xs.length + start);
    if (a[2] === undefined || a[2] === null) return xs.slice(start);
    const len = Math.trunc(toNumber(a[2]));
    return len < 0 ? xs.slice(start, xs.length + len) : xs.slice(start, start + len);
  }),
  REVERSE: def(1, 1, (_c, a) => (Array.isArray(a[0]) ? [...a[0]].reverse() : codePoints(toStringValue(arg(a, 0))).reverse().join(''))),
  FLATTEN: def(1, 2, (ctx, a, name) => {
    if (!Array.isArray(a[0])) return arrayExpected(ctx, name);
    return flatten(a[0], a[1] === undefined || a[1] === null ? 1 : Math.trunc(toNumber(a[1])));
  }),
  UNIQUE: def(1, 1, (ctx, a, name) => (Array.isArray(a[0]) ? uniqueValues(a[0]) : arrayExpected(ctx, name))),
  SORTED: def(1, 1, (ctx, a, name) => (Array.isArray(a[0]) ? [...a[0]].sort(compareValues) : arrayExpected(ctx, name))),
  SORTED_UNIQUE: def(1, 1, (ctx, a, name) => (Array.isArray(a[0]) ? uniqueValues(a[0]).sort(compareValues) : arrayExpected(ctx, name))),
  COUNT_DISTINCT: def(1, 1, (ctx, a, name) => (Array.isArray(a[0]) ? uniqueValues(a[0]).length : arrayExpected(ctx, name))),
  COUNT_UNIQUE: def(1, 1, (ctx, a, name) => (Array.isArray(a[0]) ? uniqueValues(a[0]).length : arrayExpected(ctx, name))),
  UNION: def(2, VARIADIC, (ctx, a, name) => arrays(ctx, name, a)?.flat() ?? null),
  UNION_DISTINCT: def(2, VARIADIC, (ctx, a, name) => {
    const xs = arrays(ctx, name, a);
    return xs === null ? null : uniqueValues(xs.flat());
  }),
  INTERSECTION: def(2, VARIADIC, (ctx, a, name) => {
    const xs = arrays(ctx, name, a);
    if (xs === null) return null;
    return uniqueValues(xs[0] ?? []).filter((v) => xs.every((arr) => includes(arr, v)));
  }),
  MINUS: def(2, VARIADIC, (ctx, a, name) => {
    const xs = arrays(ctx, name, a);
    if (xs === null) return null;
    return uniqueValues(xs[0] ?? []).filter((v) => !xs.slice(1).some((arr) => includes(arr, v)));
  }),
  OUTERSECTION: def(2, VARIADIC, (ctx, a, name) => {
    const xs = arrays(ctx, name, a);
    if (xs === null) return null;
    const all = uniqueValues(xs.flat());
    return all.filter((v) => xs.reduce((n, arr) => n + arr.filter((y) => valuesEqual(y, v)).length, 0) === 1);
  }),
  JACCARD: def(2, 2, (ctx, a, name) => {
    const xs = arrays(ctx, name, a);
    if (xs === null) return null;
    const union = uniqueValues(xs.flat());
    if (union.length === 0) return 1;
    const inter = uniqueValues(xs[0] ?? []).filter((v) => includes(xs[1] ?? [], v));
    return inter.length / union.length;
  }),
  INTERLEAVE: def(2, VARIADIC, (ctx, a, name) => {
    const xs = arrays(ctx, name, a);
    if (xs === null) return null;
    const out: unknown[] = [];
    const n = xs.reduce((m, x) => Math.max(m, x.length), 0);
    for (let i = 0; i < n; i++) for (const x of xs) if (i < x.length) out.push(x[i]);
    return out;
  }),
};

