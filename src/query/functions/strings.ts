import { jsonProblem } from '../../core/json-rules.js';
import { isObject, toJson, toNumber, toStringValue, truthy } from '../types.js';
import { arg, def, typeMismatch, VARIADIC, type FnContext, type FnDef } from './context.js';
import { likeMatch } from './like.js';
import { compileRegex, firstMatch, replaceByRegex, splitByRegex } from './regex.js';

/** Strings are measured in code points, not UTF-16 units (spec §2.5). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

function str(a: unknown[], i: number): string {
  return toStringValue(arg(a, i));
}

export function like(text: unknown, pattern: unknown, caseInsensitive: boolean, work?: (units: number) => void): boolean {
  return likeMatch(toStringValue(text), toStringValue(pattern), caseInsensitive, work);
}

/** A text a regex is about to scan: its length counts as work against the query's time budget. */
function worked(ctx: FnContext, text: string): string {
  ctx.work(text.length);
  return text;
}

function invalidRegex(ctx: FnContext, name: string): null {
  ctx.warn(1543, `in function '${name}()': invalid regex value`);
  return null;
}

/** CONCAT's rule: one array argument is spread; otherwise arrays/objects are JSON-encoded. */
function concatParts(values: unknown[]): unknown[] {
  if (values.length === 1 && Array.isArray(values[0])) return values[0];
  return values;
}

function partToString(v: unknown): string {
  return typeof v === 'object' && v !== null ? toJson(v) : toStringValue(v);
}

function trimSet(chars: string): Set<string> {
  return new Set(codePoints(chars));
}

function trimWith(s: string, set: Set<string>, left: boolean, right: boolean): string {
  const cps = codePoints(s);
  let start = 0;
  let end = cps.length;
  if (left) while (start < end && set.has(cps[start] as string)) start++;
  if (right) while (end > start && set.has(cps[end - 1] as string)) end--;
  return cps.slice(start, end).join('');
}

const DEFAULT_TRIM = ' \t\r\n';

function findIndex(a: unknown[], last: boolean): number {
  const text = codePoints(str(a, 0));
  const search = str(a, 1);
  const start = a[2] === undefined || a[2] === null ? 0 : Math.trunc(toNumber(a[2]));
  let end = a[3] === undefined || a[3] === null ? text.length : Math.trunc(toNumber(a[3])) + 1;
  if (start < 0 || end < 0) return -1;
  end = Math.min(end, text.length);
  if (search === '') return last ? end : start <= text.length ? start : -1;
  const hay = text.slice(start, end).join('');
  const idx = last ? hay.lastIndexOf(search) : hay.indexOf(search);
  if (idx < 0) return -1;
  return start + codePoints(hay.slice(0, idx)).length;
}

function split(ctx: FnContext, a: unknown[], name: string): unknown {
  const s = str(a, 0);
  const limit = a[2] === undefined || a[2] === null ? null : Math.trunc(toNumber(a[2]));
  if (limit !== null && limit < 0) return typeMismatch(ctx, name);
  let parts: string[];
  if (a[1] === undefined || a[1] === null) parts = [s];
  else {
    const seps = (Array.isArray(a[1]) ? a[1] : [a[1]]).map(toStringValue);
    if (seps.includes('')) parts = s === '' ? [] : codePoints(s);
    else {
      parts = [s];
      for (const sep of seps) parts = parts.flatMap((p) => p.split(sep));
    }
  }
  return limit === null ? parts : parts.slice(0, limit);
}

function substitute(ctx: FnContext, a: unknown[], name: string): unknown {
  let text = str(a, 0);
  let search: string[];
  let replace: (string | null)[] | string;
  let limitArg: unknown;
  if (isObject(a[1])) {
    search = Object.keys(a[1]);
    replace = Object.values(a[1]).map((v) => (v === null ? null : toStringValue(v)));
    limitArg = a[2];
  } else {
    search = (Array.isArray(a[1]) ? a[1] : [a[1]]).map(toStringValue);
    if (a[2] === undefined || a[2] === null) replace = '';
    else if (Array.isArray(a[2])) replace = a[2].map((v) => (v === null ? null : toStringValue(v)));
    else replace = toStringValue(a[2]);
    limitArg = a[3];
  }
  const limit = limitArg === undefined || limitArg === null ? Infinity : Math.trunc(toNumber(limitArg));
  if (limit <= 0 && limitArg !== undefined && limitArg !== null) return text;
  let out = '';
  let count = 0;
  while (text.length > 0 && count < limit) {
    let bestAt = -1;
    let bestIdx = -1;
    search.forEach((s, i) => {
      if (s === '') return;
      const at = text.indexOf(s);
      if (at >= 0 && (bestAt < 0 || at < bestAt)) { bestAt = at; bestIdx = i; }
    });
    if (bestAt < 0) break;
    const rep = typeof replace === 'string' ? replace : replace[bestIdx] ?? '';
    out += text.slice(0, bestAt) + (rep ?? '');
    text = text.slice(bestAt + (search[bestIdx] as string).length);
    count++;
  }
  void ctx;
  void name;
  return out + text;
}

function levenshtein(x: string[], y: string[]): number {
  let prev = Array.from({ length: y.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length] as number;
}

const SOUNDEX_CODES: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1', c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3', l: '4', m: '5', n: '5', r: '6',
};

function soundex(s: string): string {
  const letters = s.toLowerCase().replace(/[^a-z]/g, '');
  if (letters === '') return '';
  let out = (letters[0] as string).toUpperCase();
  let last = SOUNDEX_CODES[letters[0] as string] ?? '';
  for (const c of letters.slice(1)) {
    const code = SOUNDEX_CODES[c] ?? '';
    if (code !== '' && code !== last) out += code;
    if (c !== 'h' && c !== 'w') last = code;
    if (out.length === 4) break;
  }
  return out.padEnd(4, '0');
}

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1] as string).length > 1 && (m[i + 1] as string).startsWith('0'))) return null;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Bytes as a binary string, in slices: spreading a whole large array into fromCharCode overflows the stack. */
function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** A lone surrogate has no UTF-8 form: it becomes U+FFFD, as ArangoDB's UTF-8 strings hold it. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export const STRING_FUNCTIONS: Record<string, FnDef> = {
  CHAR_LENGTH: def(1, 1, (_c, a) => codePoints(str(a, 0)).length),
  CONCAT: def(1, VARIADIC, (_c, a) => concatParts(a).filter((v) => v !== null).map(partToString).join('')),
  CONCAT_SEPARATOR: def(2, VARIADIC, (_c, a) => concatParts(a.slice(1)).filter((v) => v !== null).map(partToString).join(str(a, 0))),
  LOWER: def(1, 1, (_c, a) => str(a, 0).toLowerCase()),
  UPPER: def(1, 1, (_c, a) => str(a, 0).toUpperCase()),
  SUBSTRING: def(2, 3, (_c, a) => {
    const cps = codePoints(str(a, 0));
    let offset = Math.trunc(toNumber(a[1]));
    if (offset < 0) offset = Math.max(0, cps.length + offset);
    const length = a[2] === undefined ? cps.length : Math.trunc(toNumber(a[2]));
    return length <= 0 ? '' : cps.slice(offset, offset + length).join('');
  }),
  LEFT: def(2, 2, (_c, a) => codePoints(str(a, 0)).slice(0, Math.max(0, Math.trunc(toNumber(a[1])))).join('')),
  RIGHT: def(2, 2, (_c, a) => {
    const cps = codePoints(str(a, 0));
    const n = Math.max(0, Math.trunc(toNumber(a[1])));
    return n === 0 ? '' : cps.slice(Math.max(0, cps.length - n)).join('');
  }),
  CONTAINS: def(2, 3, (_c, a) => {
    const text = str(a, 0);
    const search = str(a, 1);
    const idx = search === '' ? -1 : text.indexOf(search);
    if (truthy(a[2])) return idx < 0 ? -1 : codePoints(text.slice(0, idx)).length;
    return idx >= 0;
  }),
  FIND_FIRST: def(2, 4, (_c, a) => findIndex(a, false)),
  FIND_LAST: def(2, 4, (_c, a) => findIndex(a, true)),
  SPLIT: def(1, 3, split),
  TRIM: def(1, 2, (_c, a) => {
    if (typeof a[1] === 'string') return trimWith(str(a, 0), trimSet(a[1]), true, true);
    const mode = a[1] === undefined || a[1] === null ? 0 : Math.trunc(toNumber(a[1]));
    return trimWith(str(a, 0), trimSet(DEFAULT_TRIM), mode !== 2, mode !== 1);
  }),
  LTRIM: def(1, 2, (_c, a) => trimWith(str(a, 0), trimSet(a[1] === undefined || a[1] === null ? DEFAULT_TRIM : str(a, 1)), true, false)),
  RTRIM: def(1, 2, (_c, a) => trimWith(str(a, 0), trimSet(a[1] === undefined || a[1] === null ? DEFAULT_TRIM : str(a, 1)), false, true)),
  SUBSTITUTE: def(2, 4, substitute),
  LIKE: def(2, 3, (ctx, a) => like(arg(a, 0), arg(a, 1), truthy(a[2]), ctx.work)),
  REGEX_TEST: def(2, 3, (ctx, a, name) => {
    const re = compileRegex(str(a, 1), truthy(a[2]));
    return re === null ? invalidRegex(ctx, name) : re.test(worked(ctx, str(a, 0)));
  }),
  REGEX_MATCHES: def(2, 3, (ctx, a, name) => {
    const re = compileRegex(str(a, 1), truthy(a[2]));
    return re === null ? invalidRegex(ctx, name) : firstMatch(re, worked(ctx, str(a, 0)));
  }),
  REGEX_SPLIT: def(2, 4, (ctx, a, name) => {
    const re = compileRegex(str(a, 1), truthy(a[2]));
    if (re === null) return invalidRegex(ctx, name);
    const parts = splitByRegex(re, worked(ctx, str(a, 0)));
    if (a[3] === undefined || a[3] === null) return parts;
    const limit = Math.trunc(toNumber(a[3]));
    return limit < 0 ? typeMismatch(ctx, name) : parts.slice(0, limit);
  }),
  REGEX_REPLACE: def(3, 4, (ctx, a, name) => {
    const re = compileRegex(str(a, 1), truthy(a[3]));
    if (re === null) return invalidRegex(ctx, name);
    return replaceByRegex(re, worked(ctx, str(a, 0)), str(a, 2));
  }),
  JSON_STRINGIFY: def(1, 1, (_c, a) => toJson(arg(a, 0))),
  JSON_PARSE: def(1, 1, (ctx, a, name) => {
    if (typeof a[0] !== 'string') return typeMismatch(ctx, name);
    let v: unknown;
    try {
      v = JSON.parse(a[0]);
    } catch {
      return typeMismatch(ctx, name);
    }
    // The rules every JSON entering fabric-emu passes (nesting, numbers out of range, __proto__).
    const problem = jsonProblem(v);
    if (problem === undefined) return v;
    ctx.warn(1542, `in function '${name}()': ${problem}`);
    return null;
  }),
  LEVENSHTEIN_DISTANCE: def(2, 2, (_c, a) => levenshtein(codePoints(str(a, 0)), codePoints(str(a, 1)))),
  SOUNDEX: def(1, 1, (_c, a) => soundex(str(a, 0))),
  TO_BASE64: def(1, 1, (_c, a) => btoa(binaryString(utf8(str(a, 0))))),
  TO_HEX: def(1, 1, (_c, a) => Array.from(utf8(str(a, 0)), (b) => b.toString(16).padStart(2, '0')).join('')),
  ENCODE_URI_COMPONENT: def(1, 1, (_c, a) => encodeURIComponent(wellFormed(str(a, 0)))),
  UUID: def(0, 0, () => crypto.randomUUID()),
  RANDOM_TOKEN: def(1, 1, (ctx, a, name) => {
    const n = Math.trunc(toNumber(a[0]));
    if (n <= 0 || n > 65536) return typeMismatch(ctx, name);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
    return out;
  }),
  REPEAT: def(2, 3, (ctx, a, name) => {
    const n = Math.trunc(toNumber(a[1]));
    if (n < 0) return null;
    const s = str(a, 0);
    if (s.length * n > ctx.maxArrayLength) return typeMismatch(ctx, name);
    return Array.from({ length: n }, () => s).join(a[2] === undefined ? '' : str(a, 2));
  }),
  STARTS_WITH: def(2, 3, (_c, a) => str(a, 0).startsWith(str(a, 1))),
  SUBSTRING_BYTES: def(2, 3, (ctx, a, name) => {
    const b = utf8(str(a, 0));
    let start = Math.trunc(toNumber(a[1]));
    if (start < 0) start += b.length;
    const len = a[2] === undefined || a[2] === null ? b.length : Math.trunc(toNumber(a[2]));
    if (start < 0 || start > b.length || len < 0) return typeMismatch(ctx, name);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b.slice(start, start + len));
    } catch {
      return typeMismatch(ctx, name);
    }
  }),
  IS_IPV4: def(1, 1, (_c, a) => typeof a[0] === 'string' && ipv4(a[0]) !== null),
  IPV4_TO_NUMBER: def(1, 1, (ctx, a, name) => (typeof a[0] === 'string' ? ipv4(a[0]) : null) ?? typeMismatch(ctx, name)),
  IPV4_FROM_NUMBER: def(1, 1, (ctx, a, name) => {
    const n = a[0];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) return typeMismatch(ctx, name);
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  }),
};
