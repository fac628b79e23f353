import { describe, expect, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { parse } from '../../src/query/index.js';

function parseError(q: string): { errorNum: number; message: string } {
  try {
    parse(q);
  } catch (e) {
    if (isGdnError(e)) return { errorNum: e.errorNum, message: e.message };
    throw e;
  }
  throw new Error(`no error for ${q}`);
}

describe('parser', () => {
  it('builds statements in order', () => {
    const q = parse('FOR u IN users FILTER u.a == 1 SORT u.b DESC LIMIT 1, 2 RETURN u');
    expect(q.statements.map((s) => s.type)).toEqual(['for', 'filter', 'sort', 'limit', 'return']);
  });

  it('respects operator precedence', () => {
    const q = parse('RETURN 1 + 2 * 3');
    const r = q.statements[0];
    expect(r?.type === 'return' && r.expr.type === 'binary' && r.expr.op).toBe('+');
    const n = parse('RETURN NOT a IN b').statements[0];
    expect(n?.type === 'return' && n.expr.type).toBe('binary');
    const eq = parse('RETURN a == b IN c').statements[0];
    expect(eq?.type === 'return' && eq.expr.type === 'binary' && eq.expr.op).toBe('==');
  });

  it('splits multi-assignment LET into sequential LETs', () => {
    expect(parse('LET a = 1, b = a RETURN b').statements.map((s) => s.type)).toEqual(['let', 'let', 'return']);
  });

  it('parses modifications with IN as the collection keyword', () => {
    const q = parse('FOR d IN c UPDATE d WITH { a: 1 } IN c OPTIONS { keepNull: false } RETURN NEW');
    expect(q.statements[1]?.type).toBe('update');
  });

  it('formats syntax errors like ArangoDB, with line:column', () => {
    expect(parseError('FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3')).toEqual({
      errorNum: 1501,
      message: "syntax error, unexpected assignment near '= 1 LIMIT 2 RETURN i * 3' at position 1:26",
    });
    expect(parseError('FOR x IN [1]\n  RETURN x x').message).toBe("syntax error, unexpected identifier near 'x' at position 2:12");
    expect(parseError('RETURN 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 +').message)
      .toBe("syntax error, unexpected end of query string near '+' at position 1:52");
    expect(parseError("RETURN LET x = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'").message)
      .toBe(`syntax error, unexpected LET declaration near 'LET x = '${'a'.repeat(23)}...' at position 1:8`);
  });

  it('rejects misplaced constructs with 1501', () => {
    for (const q of ['RETURN DISTINCT 1', 'FOR x IN [1]', 'RETURN LIKE', 'FOR x IN [1] COLLECT a = x KEEP x RETURN a',
      'INSERT {} INTO c OPTIONS 1', 'RETURN 01', 'RETURN 1.', 'RETURN @', 'RETURN {a:1', 'FOR x IN y FOO {} RETURN x']) {
      expect(parseError(q).errorNum, q).toBe(1501);
    }
  });

  it('reports an empty query as 1502', () => {
    expect(parseError('  /* nothing */ ').errorNum).toBe(1502);
  });

  it.each([
    ['parentheses', `RETURN ${'('.repeat(5000)}1${')'.repeat(5000)}`],
    ['unary operators', `RETURN ${'-'.repeat(5000)}1`],
    ['a ?: chain', `RETURN ${'1 ? 1 : '.repeat(20_000)}1`],
    ['an && chain', `RETURN ${'1 && '.repeat(50_000)}1`],
    ['a + chain', `RETURN ${'1 + '.repeat(50_000)}1`],
    ['an attribute chain', `LET x = {} RETURN x${'.a'.repeat(50_000)}`],
    ['an index chain', `LET x = [] RETURN x${'[0]'.repeat(50_000)}`],
    ['a chain after an expansion', `LET x = [] RETURN x[*]${'.a'.repeat(50_000)}`],
    ['a [**] chain', `LET x = [] RETURN x${'[**]'.repeat(5_000)}`],
    ['nested CALLs', `RETURN ${'CALL("CALL", '.repeat(3000)}"LENGTH", [1]${')'.repeat(3000)}`],
    ['nested subqueries', `RETURN ${'(FOR x IN [1] RETURN '.repeat(300)}1${')'.repeat(300)}`],
    ['a FOR chain', `${Array.from({ length: 3000 }, (_, i) => `FOR x${i} IN [1]`).join(' ')} RETURN 1`],
  ])('refuses %s nested past the limit (1524) without overflowing the stack', (_what, q) => {
    const e = parseError(q);
    expect(e.errorNum).toBe(1524);
    expect(e.message).toContain('nested more than 250 levels deep');
  });

  it('takes chains and statements within the limit', () => {
    expect(() => parse(`RETURN ${'1 + '.repeat(200)}1`)).not.toThrow();
    expect(() => parse(`${Array.from({ length: 200 }, (_, i) => `LET x${i} = ${i}`).join(' ')} RETURN 1`)).not.toThrow();
  });
});
