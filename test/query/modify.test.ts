import { describe, expect, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { executeQuery } from '../../src/query/index.js';
import { MemorySource } from './memory-source.js';

const seed = (): MemorySource => new MemorySource().addCollection('users', [
  { _key: 'a', name: 'Ann', nested: { x: 1, y: 2 } },
  { _key: 'b', name: 'Bob' },
]);

describe('data modification', () => {
  it('INSERT returns NEW with system attributes; a bare modification returns []', () => {
    const s = seed();
    const r = executeQuery('INSERT { _key: "c", name: "Cy" } INTO users RETURN NEW', {}, s);
    expect(r.result).toEqual([{ _key: 'c', _id: 'users/c', _rev: expect.any(String), name: 'Cy' }]);
    expect(r.stats.writesExecuted).toBe(1);
    expect(executeQuery('INSERT {} INTO users', {}, s).result).toEqual([]);
  });

  it('fails on duplicate keys (1210) unless overwrite, and skips errors with ignoreErrors', () => {
    const s = seed();
    const err = (() => { try { executeQuery('INSERT { _key: "a" } INTO users', {}, s); } catch (e) { return isGdnError(e) ? e.errorNum : 0; } return null; })();
    expect(err).toBe(1210);
    const r = executeQuery('FOR k IN ["a", "z"] INSERT { _key: k } INTO users OPTIONS { ignoreErrors: true } RETURN NEW._key', {}, s);
    expect(r.result).toEqual(['z']);
    expect(r.stats).toMatchObject({ writesExecuted: 1, writesIgnored: 1 });
    expect(executeQuery('INSERT { _key: "a", v: 2 } INTO users OPTIONS { overwrite: true } RETURN [OLD.name, NEW.v]', {}, s).result).toEqual([['Ann', 2]]);
  });

  it('UPDATE merges (keepNull, mergeObjects) and exposes OLD and NEW', () => {
    const s = seed();
    const r = executeQuery('FOR u IN users FILTER u._key == "a" UPDATE u WITH { nested: { x: 5 }, name: null } IN users OPTIONS { keepNull: false } RETURN { old: OLD.name, new: NEW }', {}, s);
    expect(r.result).toEqual([{ old: 'Ann', new: { _key: 'a', _id: 'users/a', _rev: expect.any(String), nested: { x: 5, y: 2 } } }]);
    const m = executeQuery('UPDATE "b" WITH { nested: { z: 1 } } IN users OPTIONS { mergeObjects: false } RETURN NEW.nested', {}, s);
    expect(m.result).toEqual([{ z: 1 }]);
  });

  it('REPLACE and REMOVE; a missing document is 1202', () => {
    const s = seed();
    expect(executeQuery('REPLACE { _key: "a", only: true } IN users RETURN NEW', {}, s).result)
      .toEqual([{ _key: 'a', _id: 'users/a', _rev: expect.any(String), only: true }]);
    expect(executeQuery('REMOVE "b" IN users RETURN OLD.name', {}, s).result).toEqual(['Bob']);
    let code = 0;
    try { executeQuery('REMOVE "b" IN users', {}, s); } catch (e) { code = isGdnError(e) ? e.errorNum : -1; }
    expect(code).toBe(1202);
    expect(executeQuery('REMOVE "b" IN users OPTIONS { ignoreErrors: true }', {}, s).stats.writesIgnored).toBe(1);
  });

  it('UPSERT inserts when nothing matches and updates with OLD otherwise', () => {
    const s = seed();
    const q = 'UPSERT { name: @n } INSERT { name: @n, hits: 1 } UPDATE { hits: OLD.hits + 1 } IN users RETURN NEW.hits';
    expect(executeQuery(q, { n: 'Zed' }, s).result).toEqual([1]);
    expect(executeQuery(q, { n: 'Zed' }, s).result).toEqual([2]);
  });

  it('reads a collection fully before writing to it', () => {
    const s = seed();
    const r = executeQuery('FOR u IN users INSERT { name: CONCAT(u.name, "2") } INTO users', {}, s);
    expect(r.stats.writesExecuted).toBe(2);
    expect(executeQuery('FOR u IN users RETURN u.name', {}, s).result).toEqual(['Ann', 'Bob', 'Ann2', 'Bob2']);
  });

  it('DOCUMENT() fetches by id or key', () => {
    const s = seed();
    expect(executeQuery('RETURN [DOCUMENT("users/a").name, DOCUMENT("users", "b").name, LENGTH(DOCUMENT("users", ["a", "b", "x"])), DOCUMENT("users/x")]', {}, s).result)
      .toEqual([['Ann', 'Bob', 2, null]]);
  });
});

describe('collection names as function arguments', () => {
  it('DOCUMENT(coll, key) accepts a bare collection name', () => {
    const s = seed();
    expect(executeQuery('RETURN DOCUMENT(users, "a").name', {}, s).result).toEqual(['Ann']);
    expect(executeQuery('RETURN LENGTH(users)', {}, s).result).toEqual([2]);
  });
});
