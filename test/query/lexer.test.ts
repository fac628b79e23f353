import { describe, expect, it } from 'vitest';
import { GdnError } from '../../src/core/errors.js';
import { tokenize } from '../../src/query/lexer.js';

const kinds = (q: string): string[] => tokenize(q).map((t) => `${t.kind}:${t.value}`);

describe('lexer', () => {
  it('matches keywords case-insensitively but keeps identifiers', () => {
    expect(kinds('for For FOR format INTO index')).toEqual([
      'keyword:FOR', 'keyword:FOR', 'keyword:FOR', 'identifier:format', 'keyword:INTO', 'identifier:index', 'eof:',
    ]);
  });

  it('reads numbers, strings with escapes, quoted identifiers and bind parameters', () => {
    const t = tokenize(`1 .5 1e3 "a\\n\\u00e4" 'it\\'s' \`a b\` @x @@coll @0`);
    expect(t.map((x) => x.kind)).toEqual(['integer', 'double', 'double', 'string', 'string', 'identifier', 'bind', 'bindCollection', 'bind', 'eof']);
    expect(t[3]?.value).toBe('a\nä');
    expect(t[4]?.value).toBe("it's");
    expect(t[5]?.value).toBe('a b');
  });

  it('splits ranges and skips comments', () => {
    expect(kinds('1..3 // c\n/* x */ 2')).toEqual(['integer:1', 'op:..', 'integer:3', 'integer:2', 'eof:']);
  });

  it('tracks line and column', () => {
    const t = tokenize('RETURN\n  x');
    expect([t[1]?.line, t[1]?.column]).toEqual([2, 3]);
  });

  it('reports unterminated constructs as 1501', () => {
    for (const q of ['RETURN "abc', 'RETURN `abc', 'RETURN 1 /* x']) {
      expect(() => tokenize(q)).toThrow(GdnError);
    }
    expect(() => tokenize('RETURN "abc')).toThrow(/unterminated string literal/);
  });

  it('rejects invalid identifiers like a lone underscore', () => {
    expect(kinds('_ _key __a')).toEqual(['op:_', 'identifier:_key', 'identifier:__a', 'eof:']);
  });
});
