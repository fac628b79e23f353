import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestClient, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
let client: TestClient;
beforeEach(async () => {
  t = await testRegion();
  client = t.client;
  await client.post('/_api/collection', { name: 'c' });
});
afterEach(() => t.close());

const q = { query: { collection: 'c' } };

describe('indexes', () => {
  it('lists the primary index of a new collection, with identifiers', async () => {
    const r = await client.get('/_api/index', q);
    expect(r.status).toBe(200);
    expect(r.body.indexes).toEqual([{ id: 'c/0', name: 'primary', type: 'primary', fields: ['_key'], unique: true, sparse: false, selectivityEstimate: 1 }]);
    expect(Object.keys(r.body.identifiers)).toEqual(['c/0']);
  });

  it('creates (201), finds the identical one (200), gets and deletes by id or name', async () => {
    const created = await client.post('/_api/index', { type: 'persistent', fields: ['a', 'b.c'], name: 'ab' }, q);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ error: false, code: 201, isNewlyCreated: true, name: 'ab', type: 'persistent', fields: ['a', 'b.c'], unique: false, sparse: false });
    const id = created.body.id as string;
    expect(id).toMatch(/^c\/\d+$/);
    const again = await client.post('/_api/index', { type: 'persistent', fields: ['a', 'b.c'] }, q);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id, isNewlyCreated: false });
    expect((await client.get('/_api/index', q)).body.indexes.map((i: { name: string }) => i.name)).toEqual(['primary', 'ab']);
    expect((await client.get(`/_api/index/${id}`)).body).toMatchObject({ id, name: 'ab' });
    expect((await client.get('/_api/index/c/ab')).body).toMatchObject({ id });
    expect((await client.delete('/_api/index/c/ab')).body).toEqual({ error: false, code: 200, id });
    const gone = await client.get(`/_api/index/${id}`);
    expect([gone.status, gone.body.errorNum]).toEqual([404, 1212]);
    expect((await client.delete(`/_api/index/${id}`)).body.errorNum).toBe(1212);
    expect((await client.delete('/_api/index/c/0')).status).toBe(403);
  });

  it('accepts the typed routes and validates bodies', async () => {
    const r = await client.post('/_api/index/hash', { fields: ['h'], unique: true }, q);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ type: 'hash', unique: true });
    expect((await client.post('/_api/index/geo', { fields: ['loc'], geoJson: true }, q)).body).toMatchObject({ type: 'geo', geoJson: true });
    expect((await client.post('/_api/index/fulltext', { fields: ['text'] }, q)).body).toMatchObject({ type: 'fulltext', minLength: 2 });
    expect((await client.post('/_api/index', { type: 'nope', fields: ['a'] }, q)).body.errorNum).toBe(10);
    expect((await client.post('/_api/index', { type: 'persistent', fields: [] }, q)).body.errorNum).toBe(10);
    expect((await client.post('/_api/index', { type: 'ttl', fields: ['t'] }, q)).body.errorNum).toBe(10);
    expect((await client.post('/_api/index', { type: 'persistent', fields: ['a'] })).body.errorNum).toBe(1204);
    expect((await client.post('/_api/index', { type: 'persistent', fields: ['a'] }, { query: { collection: 'nope' } })).body.errorNum).toBe(1203);
    expect((await client.post('/_api/index', { type: 'persistent', fields: ['z'], name: 'idx_h' }, q)).status).toBe(201);
    expect((await client.post('/_api/index', { type: 'persistent', fields: ['y'], name: 'idx_h' }, q)).body.errorNum).toBe(1207);
  });

  it('a unique index refuses duplicates with 409/1210 on insert, update and in queries', async () => {
    await client.post('/_api/index', { type: 'persistent', fields: ['email'], unique: true }, q);
    expect((await client.post('/_api/document/c', { _key: 'a', email: 'x@y' })).status).toBe(202);
    const dup = await client.post('/_api/document/c', { _key: 'b', email: 'x@y' });
    expect([dup.status, dup.body.errorNum]).toEqual([409, 1210]);
    expect(dup.body.errorMessage).toContain('conflicting key: a');
    await client.post('/_api/document/c', { _key: 'b', email: 'other' });
    expect((await client.patch('/_api/document/c/b', { email: 'x@y' })).body.errorNum).toBe(1210);
    expect((await client.patch('/_api/document/c/a', { other: 1 })).status).toBe(202);
    // Non-sparse: a missing attribute counts as null, and only one null is allowed.
    await client.post('/_api/document/c', { _key: 'n1' });
    expect((await client.post('/_api/document/c', { _key: 'n2' })).body.errorNum).toBe(1210);
    // Types differ: 1 and "1" are different values.
    await client.post('/_api/document/c', { _key: 'one', email: 1 });
    expect((await client.post('/_api/document/c', { _key: 'one-s', email: '1' })).status).toBe(202);
    const r = await client.post('/_api/cursor', { query: 'INSERT {email: "x@y"} INTO c' });
    expect([r.status, r.body.errorNum]).toEqual([409, 1210]);
  });

  it('a unique violation names the document that already holds the value, in the message and as _key', async () => {
    await client.post('/_api/index', { type: 'persistent', fields: ['email'], unique: true, sparse: true, name: 'byEmail' }, q);
    await client.post('/_api/document/c', { _key: 'first', email: 'x@y' });
    const names = (slot: { errorNum: number; errorMessage: string; _key: string }) => [slot.errorNum, slot._key, slot.errorMessage.split('; ')[1]];
    const named = (key: string) => [1210, key, `conflicting key: ${key}`];
    expect(names((await client.post('/_api/document/c', { _key: 'second', email: 'x@y' })).body)).toEqual(named('first'));
    const batch = await client.post('/_api/document/c', [{ _key: 'b1', email: 'x@y' }, { _key: 'b2', email: 'new' }, { _key: 'b3', email: 'new' }]);
    expect(batch.body[0]).toMatchObject({ error: true });
    expect(names(batch.body[0])).toEqual(named('first'));
    expect(batch.body[1]).toMatchObject({ _key: 'b2', _rev: expect.any(String) });
    expect(names(batch.body[2])).toEqual(named('b2'));
    expect(names((await client.patch('/_api/document/c', [{ _key: 'b2', email: 'x@y' }])).body[0])).toEqual(named('first'));
    expect(names((await client.post('/_api/cursor', { query: 'INSERT { _key: "q", email: "new" } INTO c' })).body)).toEqual(named('b2'));
    // Creating a unique index over documents that already collide names the one indexed first.
    await client.post('/_api/document/c', [{ _key: 'd1', dup: 1 }, { _key: 'd2', dup: 1 }]);
    const refused = await client.post('/_api/index', { type: 'persistent', fields: ['dup'], unique: true, sparse: true }, q);
    expect(names(refused.body)).toEqual(named('d1'));
  });

  it('a sparse unique index ignores null and missing values; existing duplicates refuse the index', async () => {
    await client.post('/_api/index', { type: 'persistent', fields: ['s'], unique: true, sparse: true }, q);
    expect((await client.post('/_api/document/c', [{}, {}, { s: null }])).body.every((x: { error?: boolean }) => !x.error)).toBe(true);
    await client.post('/_api/document/c', [{ d: 1 }, { d: 1 }]);
    const r = await client.post('/_api/index', { type: 'persistent', fields: ['d'], unique: true }, q);
    expect([r.status, r.body.errorNum]).toEqual([409, 1210]);
    expect((await client.get('/_api/index', q)).body.indexes).toHaveLength(2);
  });

  it('a ttl index removes expired documents (unix seconds or ISO dates) through the remove path', async () => {
    const r = await client.post('/_api/index', { type: 'ttl', fields: ['at'], expireAfter: 0 }, q);
    expect(r.body).toMatchObject({ type: 'ttl', expireAfter: 0, sparse: true });
    const past = Math.floor(Date.now() / 1000) - 100;
    await client.post('/_api/document/c', [
      { _key: 'old', at: past }, { _key: 'oldIso', at: new Date(past * 1000).toISOString() },
      { _key: 'future', at: past + 100_000 }, { _key: 'none' }, { _key: 'text', at: '12345' }, { _key: 'flag', at: true },
    ]);
    const before = t.region.storage.changes.lastSeq();
    expect(t.region.storage.sweepExpired()).toBe(2);
    await t.region.storage.committed();
    const keys = (await client.post('/_api/cursor', { query: 'FOR d IN c SORT d._key RETURN d._key' })).body.result;
    expect(keys).toEqual(['flag', 'future', 'none', 'text']);
    const ops = t.region.storage.changes.since(before, 10).map((e) => e.op);
    expect(ops).toEqual(['remove', 'remove']);
  });

  it('the periodic sweep runs on its own, on the clock', async () => {
    await client.post('/_api/index', { type: 'ttl', fields: ['at'], expireAfter: 60 }, q);
    await client.post('/_api/document/c', { _key: 'k', at: Math.floor(t.clock.now() / 1000) });
    t.clock.advance(30_000);
    expect((await client.get('/_api/document/c/k')).status).toBe(200);
    t.clock.advance(31_000);
    expect((await client.get('/_api/document/c/k')).status).toBe(404);
  });

  it('dropping a collection drops its indexes; a re-created collection starts with none', async () => {
    await client.post('/_api/index', { type: 'persistent', fields: ['a'], unique: true }, q);
    await client.delete('/_api/collection/c');
    await client.post('/_api/collection', { name: 'c' });
    expect((await client.get('/_api/index', q)).body.indexes).toHaveLength(1);
    await client.post('/_api/document/c', [{ a: 1 }, { a: 1 }]);
    expect((await client.get('/_api/collection/c/count')).body.count).toBe(2);
  });

  it('equality filters on an indexed attribute use the SQLite index', () => {
    const s = t.region.storage;
    const c = s.collections.require('_mm/_system', 'c');
    s.write(() => s.indexes.ensure(c, { type: 'persistent', fields: ['a'] }));
    const plan = s.db.prepare(`EXPLAIN QUERY PLAN SELECT body FROM documents WHERE cid = ${c.id} AND deleted = 0 AND (json_extract(body, '$."a"') = ? AND IFNULL(json_type(body, '$."a"'), 'null') IN ('integer', 'real'))`).all(1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX docidx_/);
  });
});
