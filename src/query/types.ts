import { GdnError } from '../core/errors.js';
import { PROTO_KEY, PROTO_KEY_MESSAGE } from '../core/json-rules.js';

/**
 * AQL value semantics: the total type order, truthiness and the implicit conversions used by
 * operators and functions (spec §2.1–2.3). Values are plain JSON; `undefined` never escapes an
 * operation (a missing attribute reads as null).
 */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** null < bool < number < string < array < object */
export function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'boolean': return 1;
    case 'number': return 2;
    case 'string': return 3;
    default: return Array.isArray(v) ? 4 : 5;
  }
}

export function typeName(v: unknown): string {
  return ['null', 'bool', 'number', 'string', 'array', 'object'][typeRank(v)] as string;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ArangoDB compares strings with an ICU collator (UPPER_FIRST, IDENTICAL strength); the code-unit
// tiebreak stands in for IDENTICAL so distinct strings never compare equal.
const collator = new Intl.Collator('en', { caseFirst: 'upper' });

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const c = collator.compare(a, b);
  if (c !== 0) return c < 0 ? -1 : 1;
  return a < b ? -1 : 1;
}

/** The AQL comparator: negative, 0 or positive. Drives SORT, <, MIN/MAX, COLLECT, DISTINCT. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0: return 0;
    case 1: return a === b ? 0 : a ? 1 : -1;
    case 2: return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3: return compareStrings(a as string, b as string);
    case 4: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.max(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(i < x.length ? x[i] : null, i < y.length ? y[i] : null);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort(compareStrings);
      for (const k of keys) {
        const c = compareValues(Object.hasOwn(x, k) ? x[k] : null, Object.hasOwn(y, k) ? y[k] : null);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

/** `==` semantics (binary equality; missing array elements and object keys count as null). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ra = typeRank(a);
  if (ra !== typeRank(b)) return false;
  if (ra < 4) return ra === 0;
  return compareValues(a, b) === 0;
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  return true;
}

const NUMERIC = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** TO_NUMBER conversion; returns null-free numbers (unconvertible values become 0). */
export function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'boolean': return v ? 1 : 0;
    case 'number': return Number.isFinite(v) ? v : 0;
    case 'string': {
      if (!NUMERIC.test(v)) return 0;
      const n = Number(v);
      return Number.isFinite(n) ? n : 0;
    }
    default:
      if (Array.isArray(v)) return v.length === 1 ? toNumber(v[0]) : 0;
      return 0;
  }
}


export function numberToString(n: number): string {
  if (Object.is(n, -0)) return '0';
  return String(n);
}

/** Compact JSON as ArangoDB prints it (numbers in shortest round-trip form, -0 as 0). */
export function toJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return Number.isFinite(v) ? numberToString(v) : 'null';
    case 'string': return JSON.stringify(v);
    default:
      if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
      return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  }
}

/** The "AQL stringify" used by string functions: null is "", arrays/objects become JSON. */
export function toStringValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return numberToString(v);
    case 'string': return v;
    default: return toJson(v);
  }
}

/** Arithmetic results that are NaN or infinite become null (no warning), as in ArangoDB. */
export function numberOrNull(n: number): number | null {
  if (!Number.isFinite(n)) return null;
  return Object.is(n, -0) ? 0 : n;
}

/** Deep copy through JSON-like structure, normalising -0 and dropping undefined members. */
/**
 * How deep a query result may nest. Values built in a query can nest deeper than any input (each
 * LET can wrap the one before), and past a few thousand levels JSON.stringify overflows the stack.
 */
export const MAX_RESULT_DEPTH = 1000;

export function cloneValue(v: unknown, depth = 0): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null;
  if (typeof v !== 'object') return v as Value;
  if (depth >= MAX_RESULT_DEPTH) throw new GdnError('QUERY_TOO_MUCH_NESTING', `a query result is nested more than ${MAX_RESULT_DEPTH} levels deep`);
  if (Array.isArray(v)) return v.map((x) => cloneValue(x, depth + 1));
  const out: Record<string, Value> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = cloneValue(x, depth + 1);
  return out;
}

/** An attribute name a query builds an object with; `__proto__` is refused (core/json-rules.ts), never silently dropped. */
export function attributeName(key: string): string {
  if (key === PROTO_KEY) throw new GdnError('BAD_PARAMETER', PROTO_KEY_MESSAGE);
  return key;
}

export function toArray(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (isObject(v)) return Object.values(v);
  return [v];
}
