/**
 * Seeded generators of JSON text for the fabric fuzzer: values a client could send (documents,
 * query bodies, index and collection definitions) and the hostile ones (deep nesting, numbers out
 * of range, `__proto__` however escaped, NUL, lone surrogates, broken syntax). Text, not values:
 * a JavaScript object cannot hold some of these keys, and the fuzzer must send them anyway.
 */
export type Rnd = () => number;

export const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
export const chance = (rnd: Rnd, p: number): boolean => rnd() < p;
export const int = (rnd: Rnd, n: number): number => Math.floor(rnd() * n);

/** String pieces as JSON string contents (already escaped where needed). */
const PIECES = [
  'a', 'k1', 'Ann', 'ä', 'ß', '日本語', '😀', '\\u0000', '\\ud800', '\\udc00', '\\ud83d\\ude00', '\\u2028', '\\u005f', '%', '%ZZ', '%00',
  '\\"', '\\\\', '/', '..', ' ', '\\n', '\\t', '*', '_', '-', ':', '@', '$', '{', '[', 'null', '1e309', '__proto__', 'constructor',
];

export function stringBody(rnd: Rnd): string {
  if (chance(rnd, 0.03)) return pick(rnd, ['x', '😀', '%']).repeat(1 + int(rnd, 3000));
  const n = int(rnd, 6);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rnd, PIECES);
  return s;
}

export const jsonString = (rnd: Rnd) => `"${stringBody(rnd)}"`;

const KEYS = [
  '_key', '_id', '_rev', '_from', '_to', 'a', 'b', 'name', 'age', 'v', 'n', 'tags', 'a.b', '', 'x y', 'ä', '😀', 'a\\u0000b',
  '__proto__', '\\u005f_proto__', '\\u005f\\u005fproto\\u005f\\u005f', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
];

const NUMBERS = ['0', '-0', '1', '-1', '1.5', '3e2', '9007199254740993', '1e308', '-1e308', '1e309', '-1e309', '2e-400', '1E400', '0.1e1'];

/** A JSON value `depth` levels from its limit; mostly small, sometimes wide or deep. */
export function jsonValue(rnd: Rnd, depth = 4): string {
  const r = rnd();
  if (depth <= 0 || r < 0.35) {
    const s = rnd();
    if (s < 0.15) return 'null';
    if (s < 0.25) return pick(rnd, ['true', 'false']);
    if (s < 0.55) return pick(rnd, NUMBERS);
    return jsonString(rnd);
  }
  if (r < 0.6) return `[${Array.from({ length: int(rnd, 5) }, () => jsonValue(rnd, depth - 1)).join(',')}]`;
  return jsonObject(rnd, depth - 1);
}

export function jsonObject(rnd: Rnd, depth = 3, fixed: Record<string, string> = {}): string {
  const members = Object.entries(fixed).map(([k, v]) => `"${k}":${v}`);
  for (let i = int(rnd, 5); i > 0; i--) members.push(`"${chance(rnd, 0.7) ? pick(rnd, KEYS) : stringBody(rnd)}":${jsonValue(rnd, depth)}`);
  return `{${members.join(',')}}`;
}

/** Nesting around the limit (100 levels) and far past it; `over`: always past it. */
export function deepJson(rnd: Rnd, over = false): string {
  const levels = pick(rnd, over ? [101, 150, 1001, 5000] : [99, 100, 101, 150, 1001, 5000]);
  return chance(rnd, 0.5) ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

/** Syntax a JSON parser must refuse: cut short, a stray character, a wrong token. */
export function brokenJson(rnd: Rnd, text: string): string {
  const i = int(rnd, text.length + 1);
  switch (int(rnd, 5)) {
    case 0: return text.slice(0, i);
    case 1: return text.slice(0, i) + pick(rnd, ['}', ']', ',', ':', '"', '\\', '\u0000', 'x', '\ud800']) + text.slice(i);
    case 2: return `${text}${pick(rnd, [' x', ',', '}', '\n{}'])}`;
    case 3: return pick(rnd, ['{', '[', '"', "{'a':1}", 'NaN', 'Infinity', 'undefined', '{"a":01}', '{"a":.5}', '\ufeff{}', '{"a" 1}']);
    default: return text.replace(/"/g, "'");
  }
}
