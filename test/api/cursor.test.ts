import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CURSOR_LIMITS } from '../../src/api/cursor-store.js';
import { testRegion, type TestClient, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
let client: TestClient;
beforeEach(async () => {
  t = await testRegion();
  client = t.client;
  await client.post('/_api/collection', { name: 'users' });
  await client.post('/_api/document/users', [
    { _key: 'a', name: 'Ann', age: 30, city: 'Paris' },
    { _key: 'b', name: 'Bob', age: 25, city: 'Lyon' },
    { _key: 'c', name: 'Cid', age: 35, city: 'Paris' },
  ]);
});
afterEach(() => t.close());

const cursor = (query: string, extra: Record<string, unknown> = {}) => client.post('/_api/cursor', { query, ...extra });

describe('POST /_api/cursor: one case per statement', () => {
  it.each([
    ['FOR', 'FOR u IN users RETURN u._key', ['a', 'b', 'c']],
    ['FILTER', 'FOR u IN users FILTER u.city == "Paris" RETURN u._key', ['a', 'c']],
    ['SORT', 'FOR u IN users SORT u.age DESC RETURN u._key', ['c', 'a', 'b']],
    ['LIMIT', 'FOR u IN users LIMIT 1, 1 RETURN u._key', ['b']],
    ['LET', 'LET n = 2 FOR u IN users FILTER u.age > 26 RETURN u.age * n', [60, 70]],
    ['COLLECT', 'FOR u IN users COLLECT city = u.city WITH COUNT INTO n RETURN {city, n}', [{ city: 'Lyon', n: 1 }, { city: 'Paris', n: 2 }]],
    ['RETURN DISTINCT', 'FOR u IN users RETURN DISTINCT u.city', ['Paris', 'Lyon']],
    ['subquery', 'RETURN LENGTH(FOR u IN users FILTER u.age >= 30 RETURN 1)', [2]],
  ])('%s', async (_name, query, expected) => {
    const r = await cursor(query);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ error: false, code: 201, hasMore: false, cached: false, result: expected });
    expect(r.body.id).toBeUndefined();
    expect(r.body.extra.stats).toMatchObject({ httpRequests: 0, peakMemoryUsage: 0, writesExecuted: 0 });
    expect(r.body.extra.warnings).toEqual([]);
  });

  it('INSERT, UPDATE, REPLACE, REMOVE and UPSERT write through the document store', async () => {
    let r = await cursor('INSERT {_key: "d", name: "Dee", age: 40} INTO users RETURN NEW._id');
    expect(r.body).toMatchObject({ result: ['users/d'], extra: { stats: { writesExecuted: 1 } } });
    r = await cursor('UPDATE "d" WITH {age: 41} IN users RETURN [OLD.age, NEW.age]');
    expect(r.body.result).toEqual([[40, 41]]);
    r = await cursor('REPLACE "d" WITH {name: "D"} IN users RETURN NEW');
    expect(r.body.result[0]).toMatchObject({ _key: 'd', name: 'D' });
    expect(r.body.result[0].age).toBeUndefined();
    r = await cursor('UPSERT {_key: "e"} INSERT {_key: "e", n: 1} UPDATE {n: OLD.n + 1} IN users RETURN NEW.n');
    expect(r.body.result).toEqual([1]);
    r = await cursor('UPSERT {_key: "e"} INSERT {_key: "e", n: 1} UPDATE {n: OLD.n + 1} IN users RETURN NEW.n');
    expect(r.body.result).toEqual([2]);
    r = await cursor('FOR u IN users FILTER u._key IN ["d", "e"] REMOVE u IN users RETURN OLD._key');
    expect(r.body.result).toEqual(['d', 'e']);
    expect((await client.get('/_api/document/users/d')).status).toBe(404);
    expect((await client.get('/_api/collection/users/count')).body.count).toBe(3);
  });

  it('rolls every write back when the query fails half way', async () => {
    const r = await cursor('FOR k IN ["x", "y", "a"] INSERT {_key: k} INTO users');
    expect(r.status).toBe(409);
    expect(r.body.errorNum).toBe(1210);
    expect((await client.get('/_api/document/users/x')).status).toBe(404);
    expect((await client.get('/_api/collection/users/count')).body.count).toBe(3);
  });

  it('answers a rev mismatch inside a query with 409/1200', async () => {
    const r = await cursor('UPDATE {_key: "a", _rev: "_nope"} WITH {x: 1} IN users OPTIONS {ignoreRevs: false}');
    expect(r.status).toBe(409);
    expect(r.body.errorNum).toBe(1200);
  });

  it('reports warnings and fails on them with failOnWarning, rolling back', async () => {
    let r = await cursor('RETURN 1 / 0');
    expect(r.body.result).toEqual([null]);
    expect(r.body.extra.warnings.map((w: { code: number }) => w.code)).toEqual([1562]);
    r = await cursor('INSERT {_key: "w"} INTO users RETURN 1 / 0', { options: { failOnWarning: true } });
    expect(r.status).toBe(400);
    expect(r.body.errorNum).toBe(1562);
    expect((await client.get('/_api/document/users/w')).status).toBe(404);
  });

  it('reports fullCount before the last LIMIT', async () => {
    const r = await cursor('FOR u IN users LIMIT 1 RETURN u', { options: { fullCount: true } });
    expect(r.body.result).toHaveLength(1);
    expect(r.body.extra.stats.fullCount).toBe(3);
  });
});

describe('cursor errors', () => {
  it('a parse error is 400/1501 with line:column', async () => {
    const r = await cursor('FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: true, code: 400, errorNum: 1501 });
    expect(r.body.errorMessage).toContain('at position 1:26');
  });

  it('a graph traversal is 501/9 "not supported yet" with its position, not a syntax error', async () => {
    const r = await cursor("FOR v, e, p IN 1..2 OUTBOUND 'users/a' knows RETURN v");
    expect(r.status).toBe(501);
    expect(r.body).toMatchObject({ error: true, code: 501, errorNum: 9 });
    expect(r.body.errorMessage).toMatch(/^graph traversal \(OUTBOUND\) is not supported yet by fabric-emu near .* at position 1:21/);
    expect(r.body.errorMessage).toContain('docs/compatibility.md');
  });

  it('an empty query is 400/1502, a missing one too', async () => {
    expect((await cursor('  ')).body.errorNum).toBe(1502);
    expect((await client.post('/_api/cursor', {})).body.errorNum).toBe(1502);
  });

  it('bind parameters: missing 1551, undeclared 1552, bad structure 1550', async () => {
    let r = await cursor('RETURN @x');
    expect([r.status, r.body.errorNum]).toEqual([400, 1551]);
    r = await cursor('RETURN 1', { bindVars: { y: 2 } });
    expect([r.status, r.body.errorNum]).toEqual([400, 1552]);
    r = await cursor('RETURN @x', { bindVars: [1] });
    expect([r.status, r.body.errorNum]).toEqual([400, 1550]);
    r = await cursor('FOR u IN @@c FILTER u.age > @min RETURN u._key', { bindVars: { '@c': 'users', min: 29 } });
    expect(r.body.result).toEqual(['a', 'c']);
  });

  it('an unknown collection is 404/1203', async () => {
    const r = await cursor('FOR i IN no RETURN i');
    expect(r.status).toBe(404);
    expect(r.body.errorNum).toBe(1203);
  });

  it('bad batchSize, ttl or body is 400 with the envelope', async () => {
    expect((await cursor('RETURN 1', { batchSize: 0 })).body.errorNum).toBe(10);
    expect((await cursor('RETURN 1', { ttl: 'x' })).body.errorNum).toBe(10);
    expect((await client.post('/_api/cursor', [1])).body.errorNum).toBe(10);
    expect((await cursor('RETURN 1', { count: 'yes' })).status).toBe(400);
  });
});

describe('cursor batching', () => {
  beforeEach(async () => {
    await client.post('/_api/collection', { name: 'ten' });
    await client.post('/_api/document/ten', Array.from({ length: 10 }, (_, i) => ({ i })));
  });

  it('batchSize 2 with count: 10 rows come in 5 batches by PUT and POST, then the cursor is gone', async () => {
    const first = await cursor('FOR d IN ten RETURN d.i', { batchSize: 2, count: true });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ result: [0, 1], hasMore: true, count: 10 });
    const id = first.body.id as string;
    expect(typeof id).toBe('string');
    const seen: number[] = [...first.body.result];
    for (let i = 0; i < 4; i++) {
      const r = i % 2 === 0 ? await client.put(`/_api/cursor/${id}`) : await client.post(`/_api/cursor/${id}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ error: false, code: 200, count: 10, hasMore: i < 3 });
      expect(r.body.id === undefined).toBe(i === 3);
      seen.push(...r.body.result);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const after = await client.put(`/_api/cursor/${id}`);
    expect([after.status, after.body.errorNum]).toEqual([404, 1600]);
  });

  it('DELETE closes a cursor (202), then 404/1600', async () => {
    const first = await cursor('FOR d IN ten RETURN d', { batchSize: 3 });
    const del = await client.delete(`/_api/cursor/${first.body.id}`);
    expect(del.status).toBe(202);
    expect(del.body).toEqual({ error: false, code: 202, id: first.body.id });
    expect((await client.put(`/_api/cursor/${first.body.id}`)).body.errorNum).toBe(1600);
    expect((await client.delete(`/_api/cursor/${first.body.id}`)).status).toBe(404);
    expect((await client.delete('/_api/cursor/nope')).body.errorNum).toBe(1600);
  });

  it('an expired cursor is 404/1600', async () => {
    const first = await cursor('FOR d IN ten RETURN d', { batchSize: 1, ttl: 30 });
    t.clock.advance(29_000);
    expect((await client.put(`/_api/cursor/${first.body.id}`)).status).toBe(200);
    t.clock.advance(31_000);
    const r = await client.put(`/_api/cursor/${first.body.id}`);
    expect([r.status, r.body.errorNum]).toEqual([404, 1600]);
  });

  it('count is omitted unless asked for; batchSize above 1000 is capped', async () => {
    const r = await cursor('FOR i IN 1..1500 RETURN i', { batchSize: 5000 });
    expect(r.body.result).toHaveLength(1000);
    expect(r.body.count).toBeUndefined();
    expect(r.body.hasMore).toBe(true);
  });
});

describe('query validation and explain', () => {
  it('POST /_api/query parses without running', async () => {
    const r = await client.post('/_api/query', { query: 'FOR u IN users FILTER u.age > @min RETURN u' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ error: false, code: 200, parsed: true, collections: ['users'], bindVars: ['min'] });
    expect(Array.isArray(r.body.ast)).toBe(true);
    const bad = await client.post('/_api/query', { query: 'FOR u IN' });
    expect([bad.status, bad.body.errorNum]).toEqual([400, 1501]);
  });

  it.each(['/_api/explain', '/_api/query/explain'])('POST %s describes the plan and the push-down', async (path) => {
    const r = await client.post(path, { query: 'FOR u IN users FILTER u.age == @a RETURN u', bindVars: { a: 30 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ error: false, code: 200, cacheable: false, warnings: [] });
    expect(r.body.plan.nodes[1]).toMatchObject({ type: 'EnumerateCollectionNode', collection: 'users', pushdown: { filters: [{ path: ['age'], op: '==', value: 30 }] } });
    const all = await client.post(path, { query: 'RETURN 1', options: { allPlans: true } });
    expect(all.body.plans).toHaveLength(1);
    expect((await client.post(path, { query: 'FOR x IN nope RETURN x' })).body.errorNum).toBe(1203);
  });
});

describe('cursor bounds', () => {
  it('cuts a ttl above an hour to an hour', async () => {
    const first = await cursor('FOR i IN 1..3 RETURN i', { batchSize: 1, ttl: 1e9 });
    t.clock.advance(3_599_000);
    expect((await client.put(`/_api/cursor/${first.body.id}`)).status).toBe(200);
    t.clock.advance(3_601_000);
    expect((await client.put(`/_api/cursor/${first.body.id}`)).body.errorNum).toBe(1600);
  });

  it('refuses a new open cursor past the per-PoP count, and still answers results that fit one batch', async () => {
    for (let i = 0; i < CURSOR_LIMITS.maxOpen; i++) expect((await cursor('FOR i IN 1..2 RETURN i', { batchSize: 1 })).status).toBe(201);
    const over = await cursor('FOR i IN 1..2 RETURN i', { batchSize: 1 });
    expect(over.status).toBe(503);
    expect(over.body).toMatchObject({ error: true, errorNum: 32 });
    expect(over.body.errorMessage).toContain('1000 open cursors');
    expect((await cursor('RETURN 1')).status).toBe(201);
  });
});
