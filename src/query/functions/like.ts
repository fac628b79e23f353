/**
 * AQL's LIKE on a matcher that cannot backtrack past the last `%`: the classic wildcard walk, so a
 * match costs at most (text length × pattern length) steps whatever the pattern. A RegExp built
 * from `%a%a%a…%b` backtracks exponentially (a 200-character text ran for minutes).
 */

type Token = { lit: string } | 'one' | 'any';

interface CompiledLike {
  tokens: Token[];
  /** Number of literal and `_` tokens: a text shorter than this cannot match. */
  minLength: number;
}

/** `%` any sequence, `_` one code point; `\%`, `\_`, `\\` literal; a backslash before anything else is itself. */
function compile(pattern: string): CompiledLike {
  const tokens: Token[] = [];
  let minLength = 0;
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i++) {
    let c = cps[i] as string;
    if (c === '\\' && i + 1 < cps.length && (cps[i + 1] === '%' || cps[i + 1] === '_' || cps[i + 1] === '\\')) c = `\\${cps[++i] as string}`;
    if (c === '%') {
      if (tokens[tokens.length - 1] !== 'any') tokens.push('any');
    } else if (c === '_') {
      tokens.push('one');
      minLength++;
    } else {
      tokens.push({ lit: c.length === 2 && c[0] === '\\' ? (c[1] as string) : c });
      minLength++;
    }
  }
  return { tokens, minLength };
}

/** Lower case with Greek final sigma folded, one code point for one (İ lower-cases to two). */
export function foldCase(s: string): string {
  const lower = s.toLowerCase();
  if (lower.length === s.length) return lower.replaceAll('ς', 'σ');
  let out = '';
  for (const c of s) {
    const l = c.toLowerCase();
    out += Array.from(l).length === 1 ? l : c;
  }
  return out.replaceAll('ς', 'σ');
}

/** UTF-16 units of the code point at `i` (a surrogate pair counts as one code point). */
function width(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

function matchTokens(text: string, p: CompiledLike, work: (units: number) => void): boolean {
  const { tokens } = p;
  let t = 0;
  let k = 0;
  // Where the last `%` resumes: the token after it and the text position it has consumed up to.
  let starToken = -1;
  let starText = 0;
  let steps = 0;
  while (t < text.length) {
    if (++steps === 4096) {
      work(steps);
      steps = 0;
    }
    const tok = tokens[k];
    if (tok === 'any') {
      starToken = ++k;
      starText = t;
      continue;
    }
    if (tok === 'one') {
      t += width(text, t);
      k++;
      continue;
    }
    if (tok !== undefined && text.startsWith(tok.lit, t)) {
      t += tok.lit.length;
      k++;
      continue;
    }
    if (starToken < 0) return false;
    // The last `%` takes one more code point; earlier ones never need to, which bounds the work.
    starText += width(text, starText);
    t = starText;
    k = starToken;
  }
  work(steps);
  while (tokens[k] === 'any') k++;
  return k === tokens.length;
}

const cache = new Map<string, CompiledLike>();
const CACHE_SIZE = 500;

/**
 * Whether `text` matches the LIKE `pattern` as a whole; `work` is told the steps taken, so a
 * caller can account for them against a query's time budget.
 */
export function likeMatch(text: string, pattern: string, caseInsensitive: boolean, work: (units: number) => void = () => undefined): boolean {
  const pat = caseInsensitive ? foldCase(pattern) : pattern;
  let c = cache.get(pat);
  if (!c) {
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(pat, (c = compile(pat)));
  }
  const subject = caseInsensitive ? foldCase(text) : text;
  if (subject.length < c.minLength) return false;
  return matchTokens(subject, c, work);
}
