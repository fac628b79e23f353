import { describe, expect, it } from 'vitest';
import { executeQuery, parse, queryWrites, validateQuery } from '../../src/query/index.js';
import { analyzeQuery } from '../../src/query/validate.js';
import { MemorySource } from './memory-source.js';

/** Queries that exercise every pass that used to write into the tree: name resolution, COLLECT INTO, subqueries, UPSERT's OLD. */
const QUERIES = [
  'FOR u IN users FILTER u.age >= @min SORT u.age LIMIT 10 RETURN u.name',
  'FOR u IN users FILTER u.age >= @min COLLECT city = u.city INTO members RETURN { city, n: LENGTH(members), who: members[*].u.name }',
  'LET names = (FOR u IN users FILTER u.age >= @min RETURN u.name) RETURN { names, count: LENGTH(users) }',
  'FOR u IN users FILTER u.age >= @min UPSERT { name: u.name } INSERT { name: u.name, seen: 1 } UPDATE { seen: OLD.seen + 1 } IN seen RETURN NEW.seen',
];

const source = () =>
  new MemorySource('apply')
    .addCollection('users', [
      { _key: 'a', name: 'Ann', age: 30, city: 'Oslo' },
      { _key: 'b', name: 'Bob', age: 20, city: 'Rome' },
      { _key: 'c', name: 'Cy', age: 40, city: 'Oslo' },
    ])
    .addCollection('seen');

describe('analysis never writes into a query tree', () => {
  it.each(QUERIES)('analysing %s leaves the parsed tree as the parser built it', (q) => {
    const parsed = parse(q);
    const before = structuredClone(parsed);
    const { query } = analyzeQuery(parsed);
    expect(parsed).toEqual(before);
    expect(query).not.toEqual(before);
  });

  it.each(QUERIES)('%s: the cached tree is the same before and after runs with different bind values, which see nothing of each other', (q) => {
    const bind = (min: number) => (q.includes('@min') ? { min } : {});
    // The same query under other texts has cache entries of its own: what each run gives alone.
    const alone = (min: number, pad: string) => executeQuery(q + pad, bind(min), source()).result;
    const [firstAlone, secondAlone] = [alone(25, ' '), alone(35, '  ')];
    const cached = validateQuery(q).ast;
    const before = structuredClone(cached);
    const first = executeQuery(q, bind(25), source()).result;
    expect(validateQuery(q).ast).toBe(cached);
    expect(cached).toEqual(before);
    const second = executeQuery(q, bind(35), source()).result;
    expect(first).toEqual(firstAlone);
    expect(second).toEqual(secondAlone);
    expect(second).not.toEqual(first);
    expect(validateQuery(q).ast).toBe(cached);
    expect(cached).toEqual(before);
  });

  it('the cached tree is frozen, so a stage that tried to write into it would fail loudly', () => {
    const ast = validateQuery(QUERIES[1]!).ast;
    const collect = ast.statements[1] as { intoVariables?: string[] };
    expect(Object.isFrozen(ast)).toBe(true);
    expect(() => {
      collect.intoVariables = [];
    }).toThrow(TypeError);
  });
});

describe('whether a query writes', () => {
  it.each([
    ['INSERT { a: 1 } INTO c', true],
    ['FOR d IN c UPDATE d WITH { a: 1 } IN c', true],
    ['FOR d IN c REPLACE d WITH { a: 1 } IN c', true],
    ['FOR d IN c REMOVE d IN c', true],
    ['UPSERT { a: 1 } INSERT { a: 1 } UPDATE {} IN c', true],
    ['LET x = (FOR d IN c REMOVE d IN c RETURN OLD) RETURN LENGTH(x)', true],
    ['FOR i IN 1..2 LET y = (FOR j IN [i] INSERT { j } INTO @@c RETURN NEW) RETURN y', true],
    ['FOR d IN c RETURN d', false],
    ['RETURN "insert into c; remove; update; replace; upsert"', false],
    ['FOR insertion IN [1] /* remove d in c */ RETURN { "update": insertion }', false],
  ])('%s → %s', (q, writes) => {
    expect(queryWrites(q)).toBe(writes);
  });

  it('throws the query error a run would', () => {
    expect(() => queryWrites('FOR d IN')).toThrow(expect.objectContaining({ errorNum: 1501 }));
  });
});
