import { describe, expect, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { executeQuery, validateQuery } from '../../src/query/index.js';
import { MemorySource } from './memory-source.js';

const src = (): MemorySource => new MemorySource().addCollection('users', [{ _key: 'a', x: 1 }]).addCollection('logs');

function errorOf(q: string, bind: Record<string, unknown> = {}): { errorNum: number; message: string } {
  try {
    executeQuery(q, bind, src());
  } catch (e) {
    if (isGdnError(e)) return { errorNum: e.errorNum, message: e.message };
    throw e;
  }
  throw new Error(`no error for ${q}`);
}

describe('semantic validation', () => {
  it('reports unknown collections with 1203 and the ArangoDB message', () => {
    expect(errorOf('FOR i IN no RETURN i')).toEqual({ errorNum: 1203, message: 'collection or view not found: no' });
    expect(errorOf('FOR i IN @@c RETURN i', { '@c': 'nope' }).errorNum).toBe(1203);
  });

  it('checks bind parameters: missing (1551) before undeclared (1552), then types (1553)', () => {
    expect(errorOf('RETURN @a', { b: 1 }).errorNum).toBe(1551);
    expect(errorOf('RETURN 1', { b: 1 }).errorNum).toBe(1552);
    expect(errorOf('FOR u IN [{}] RETURN u.@a', { a: 1 }).errorNum).toBe(1553);
    expect(errorOf('FOR u IN @@c RETURN u', { '@c': 5 }).errorNum).toBe(1553);
    expect(errorOf('FOR u IN @@c RETURN u', { '@c': '' }).errorNum).toBe(1208);
    expect(errorOf('RETURN @a', { a: 1, b: 2 }).message).toBe("bind parameter 'b' was not declared in the query");
  });

  it('checks variables (1511, 1512) and functions (1540, 1541)', () => {
    expect(errorOf('LET a = 1 LET a = 2 RETURN a').errorNum).toBe(1511);
    expect(errorOf('FOR x IN [1] LET y = (FOR x IN [2] RETURN x) RETURN y').errorNum).toBe(1511);
    expect(errorOf('RETURN { nope }').errorNum).toBe(1512);
    expect(errorOf('RETURN NOPE(1)')).toEqual({ errorNum: 1540, message: "usage of unknown function 'NOPE()'" });
    expect(errorOf('RETURN LENGTH()').errorNum).toBe(1541);
    expect(errorOf('LET a = 1 RETURN `a b c`').errorNum).toBe(1208);
  });

  it('checks COLLECT and OPTIONS', () => {
    expect(errorOf('FOR x IN [1] COLLECT a = x AGGREGATE s = FOO(x) RETURN s').errorNum).toBe(1574);
    expect(errorOf('FOR x IN [1] COLLECT a = x AGGREGATE s = SUM(a) RETURN s').errorNum).toBe(1512);
    expect(errorOf('FOR x IN [1] COLLECT a = x KEEP_ME RETURN a').errorNum).toBe(1501);
    expect(errorOf('FOR x IN [1] INSERT {} INTO users OPTIONS { a: x } RETURN 1').errorNum).toBe(1575);
    expect(errorOf('FOR x IN [1] COLLECT a = x RETURN x').errorNum).toBe(1203);
  });

  it('forbids access after data-modification (1579)', () => {
    expect(errorOf('INSERT {} INTO logs FOR x IN logs RETURN x').errorNum).toBe(1579);
    expect(errorOf('FOR u IN users INSERT u INTO logs INSERT u INTO logs').errorNum).toBe(1579);
    expect(errorOf('INSERT {} INTO logs RETURN DOCUMENT("logs", "x")').errorNum).toBe(1579);
    expect(() => executeQuery('FOR u IN users UPDATE u WITH { y: 1 } IN users', {}, src())).not.toThrow();
  });

  it('reports FOR over a non-array as 1563', () => {
    expect(errorOf('LET a = @v FOR x IN a RETURN 1', { v: 'str' }).errorNum).toBe(1563);
  });

  it('validateQuery lists collections and bind parameters without a data source', () => {
    const v = validateQuery('FOR u IN users FILTER u.x == @x FOR l IN @@logs RETURN [u, l]');
    expect(v.collections).toEqual(['users']);
    expect(v.bindVars).toEqual(['x', '@logs']);
    expect(v.ast.statements.length).toBe(4);
  });
});
