import { GdnError } from '../core/errors.js';
import { KEYWORDS, type Token, type TokenKind } from './tokens.js';

const OPERATORS2 = ['==', '!=', '<=', '>=', '=~', '!~', '&&', '||', '::', '..'];
const OPERATORS1 = '<>=!+-*/%?:,.()[]{}';

/** Length of the "near '...'" excerpt ArangoDB prints in parse errors. */
const NEAR_LENGTH = 32;

/** Builds the 1501 message in ArangoDB's Parser::registerParseError format. */
export function parseErrorMessage(query: string, text: string, offset: number, line: number, column: number): string {
  const rest = query.slice(offset);
  const near = rest.length > NEAR_LENGTH ? `${rest.slice(0, NEAR_LENGTH)}...` : rest;
  return `${text} near '${near}' at position ${line}:${column}`;
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c === '_';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Turns a query string into tokens; the last token is always `eof`. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (text: string, offset: number, l: number, col: number): never => {
    throw new GdnError('QUERY_PARSE', parseErrorMessage(query, `syntax error, ${text}`, offset, l, col));
  };
  // Newlines inside strings and comments still count for later positions.
  const advanceTo = (end: number): void => {
    for (let i = pos; i < end; i++) {
      if (query[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    pos = end;
  };

  while (pos < query.length) {
    const c = query[pos] as string;
    const startLine = line;
    const startCol = pos - lineStart + 1;
    const start = pos;
    const push = (kind: TokenKind, value: string, end: number, num?: number): void => {
      tokens.push(num === undefined
        ? { kind, value, offset: start, line: startLine, column: startCol }
        : { kind, value, num, offset: start, line: startLine, column: startCol });
      advanceTo(end);
    };

    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advanceTo(pos + 1);
      continue;
    }
    if (c === '/' && query[pos + 1] === '/') {
      const nl = query.indexOf('\n', pos);
      advanceTo(nl < 0 ? query.length : nl);
      continue;
    }
    if (c === '/' && query[pos + 1] === '*') {
      const end = query.indexOf('*/', pos + 2);
      if (end < 0) fail('unexpected unterminated multi-line comment', start, startLine, startCol);
      advanceTo(end + 2);
      continue;
    }
    if (c === '"' || c === "'" || c === '`' || c === '\u00b4') {
      const { value, end } = readQuoted(query, pos, c);
      if (end < 0) {
        fail(c === '"' || c === "'" ? 'unexpected unterminated string literal' : 'unexpected unterminated identifier',
          start, startLine, startCol);
      }
      push(c === '"' || c === "'" ? 'string' : 'identifier', value, end);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(query[pos + 1]))) {
      const m = /^(?:(?:0|[1-9][0-9]*)(\.[0-9]+)?|\.[0-9]+)([eE][-+]?[0-9]+)?/.exec(query.slice(pos, pos + 400));
      const text = m ? m[0] : c;
      const isDouble = text.includes('.') || /[eE]/.test(text);
      push(isDouble ? 'double' : 'integer', text, pos + text.length, Number(text));
      continue;
    }
    if (c === '@') {
      const isColl = query[pos + 1] === '@';
      const nameStart = pos + (isColl ? 2 : 1);
      const m = /^(?:[a-zA-Z0-9][a-zA-Z0-9_]*|_+[a-zA-Z0-9]+[a-zA-Z0-9_]*)/.exec(query.slice(nameStart, nameStart + 300));
      if (!m) {
        push('op', '@', pos + 1);
        continue;
      }
      push(isColl ? 'bindCollection' : 'bind', m[0], nameStart + m[0].length);
      continue;
    }
    if (isIdentStart(c) || c === '_' || (c === '$' && isIdentStart(query[pos + 1] ?? ''))) {
      let end = pos + 1;
      if (c === '_') {
        while (query[end] === '_') end++;
        if (!isIdentStart(query[end] ?? '')) {
          push('op', query.slice(pos, end), end);
          continue;
        }
      }
      while (end < query.length && isIdentPart(query[end] as string)) end++;
      const word = query.slice(pos, end);
      const upper = word.toUpperCase();
      if (KEYWORDS.has(upper)) push('keyword', upper, end);
      else push('identifier', word, end);
      continue;
    }
    const two = query.slice(pos, pos + 2);
    if (OPERATORS2.includes(two)) {
      push('op', two, pos + 2);
      continue;
    }
    const cp = query.codePointAt(pos) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (OPERATORS1.includes(c)) push('op', c, pos + 1);
    else push('op', ch, pos + ch.length);
  }
  tokens.push({ kind: 'eof', value: '', offset: query.length, line, column: query.length - lineStart + 1 });
  return tokens;
}

const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Reads a quoted string or identifier starting at `pos`; `end` is -1 when unterminated. */
function readQuoted(query: string, pos: number, quote: string): { value: string; end: number } {
  let out = '';
  let i = pos + 1;
  while (i < query.length) {
    const c = query[i] as string;
    if (c === quote) return { value: out, end: i + 1 };
    if (c === '\\' && i + 1 < query.length) {
      const e = query[i + 1] as string;
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(query.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(query.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      out += ESCAPES[e] ?? e;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return { value: out, end: -1 };
}
