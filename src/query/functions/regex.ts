import { RE2JS } from 're2js';

/*
 * C8QL's regular expressions (=~, !~, REGEX_*) on RE2: matching takes time linear in the text
 * whatever the pattern, so no pattern can stall a PoP the way a backtracking RegExp can. AQL
 * speaks ICU syntax; RE2 accepts the same classes, groups, alternations, repetitions, inline flags
 * (`(?i)`, `(?s)`, `(?m)`, also mid-pattern and scoped), `\Q…\E` and Unicode classes. ICU's
 * `\uhhhh` and `\Uhhhhhhhh` escapes are rewritten to RE2's `\x{…}`. What needs backtracking is
 * refused as an invalid regex (warning 1543): backreferences, lookahead, possessive quantifiers
 * (`a*+`); so are `(?x)` comments. Lookbehind (captureless) runs in linear time and is accepted.
 */

export type Regex = RE2JS;

/** ICU's `\uhhhh` and `\Uhhhhhhhh` as RE2's `\x{…}`; every other escape is left as written. */
function translate(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c !== '\\' || i + 1 >= pattern.length) {
      out += c;
      continue;
    }
    const n = pattern[i + 1] as string;
    const digits = n === 'u' ? 4 : n === 'U' ? 8 : 0;
    const hex = pattern.slice(i + 2, i + 2 + digits);
    if (digits > 0 && hex.length === digits && [...hex].every((h) => '0123456789abcdefABCDEF'.includes(h))) {
      out += `\\x{${hex}}`;
      i += 1 + digits;
    } else {
      out += c + n;
      i++;
    }
  }
  return out;
}

const cache = new Map<string, Regex | null>();
const CACHE_SIZE = 500;

/** Compiles an ICU-style pattern; null (→ warning 1543) when RE2 cannot run it. */
export function compileRegex(pattern: string, caseInsensitive: boolean): Regex | null {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let re: Regex | null;
  try {
    re = RE2JS.compile(translate(pattern), (caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0) | RE2JS.LOOKBEHINDS);
  } catch {
    re = null;
  }
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, re);
  return re;
}

/** `[whole, group1, …]` of the first match (an unmatched group as ""), or null. */
export function firstMatch(re: Regex, text: string): string[] | null {
  const m = re.exec(text);
  return m === null ? null : Array.from(m, (x) => x ?? '');
}

/** UTF-16 units of the code point at `i`. */
function width(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/** JavaScript's String.prototype.split(regex) rules (captured groups spliced in), which REGEX_SPLIT has always followed. */
export function splitByRegex(re: Regex, text: string): string[] {
  const m = re.matcher(text);
  if (text.length === 0) return m.find(0) ? [] : [''];
  const out: string[] = [];
  let p = 0;
  let q = 0;
  while (q < text.length) {
    if (!m.find(q) || m.start() >= text.length) break;
    const e = m.end();
    if (e === p) {
      q = m.start() + width(text, m.start());
      continue;
    }
    out.push(text.slice(p, m.start()));
    for (let g = 1; g <= m.groupCount(); g++) out.push(m.group(g) ?? '');
    p = e;
    q = p;
  }
  out.push(text.slice(p));
  return out;
}

/** Every match replaced, the replacement expanded as JavaScript does (`$&`, `$1`, `$$`, `$<name>`). */
export function replaceByRegex(re: Regex, text: string, replacement: string): string {
  return re.matcher(text).replaceAll(replacement);
}
