import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
  await t.client.post('/_api/collection', { name: 'c' });
  await t.client.post('/_api/collection', { name: 'e', type: 3 });
});
afterEach(async () => t.close());

describe('keys up to 254 characters over REST', () => {
  it.each([101, 200, 254])('a %i-character key is read, replaced, patched and removed by its path', async (n) => {
    for (const key of ['k'.repeat(n), ':'.repeat(n)]) {
      const path = `/_api/document/c/${encodeURIComponent(key)}`;
      expect((await t.client.post('/_api/document/c', { _key: key, v: 1 })).status).toBe(202);
      expect((await t.client.get(path)).body).toMatchObject({ _key: key, v: 1 });
      expect((await t.client.head(path)).status).toBe(200);
      expect((await t.client.put(path, { v: 2 })).status).toBe(202);
      expect((await t.client.patch(path, { w: 3 })).status).toBe(202);
      expect((await t.client.get(path)).body).toMatchObject({ v: 2, w: 3 });
      expect((await t.client.delete(path)).status).toBe(202);
    }
  });

  it('a 255-character key finds no document (404/1202), the router does not refuse it', async () => {
    const r = await t.client.get(`/_api/document/c/${'k'.repeat(255)}`);
    expect(r.status).toBe(404);
    expect(r.body.errorNum).toBe(1202);
  });
});

describe('insert', () => {
  it('returns 202 with _id/_key/_rev, Etag and Location, and GET gives the bare document', async () => {
    const r = await t.client.post('/_api/document/c', { _key: 'k1', foo: 'bar' });
    expect(r.status).toBe(202);
    expect(Object.keys(r.body).sort()).toEqual(['_id', '_key', '_rev']);
    expect(r.body).toMatchObject({ _id: 'c/k1', _key: 'k1' });
    expect(r.headers['etag']).toBe(`"${r.body._rev}"`);
    expect(r.headers['location']).toBe('/_fabric/_system/_api/document/c/k1');
    const g = await t.client.get('/_api/document/c/k1');
    expect(g.status).toBe(200);
    expect(g.body).toEqual({ _key: 'k1', _id: 'c/k1', _rev: r.body._rev, foo: 'bar' });
  });

  it('answers 201 with waitForSync', async () => {
    expect((await t.client.post('/_api/document/c', { a: 1 }, { query: { waitForSync: true } })).status).toBe(201);
  });

  it('generates numeric keys that grow and ignores client _id/_rev', async () => {
    const a = await t.client.post('/_api/document/c', { _id: 'x/y', _rev: 'zzz', n: 1 });
    const b = await t.client.post('/_api/document/c', { n: 2 });
    expect(a.body._key).toMatch(/^\d+$/);
    expect(BigInt(b.body._key) > BigInt(a.body._key)).toBe(true);
    expect(a.body._id).toBe(`c/${a.body._key}`);
    expect(a.body._rev).not.toBe('zzz');
  });

  it('returnNew, silent and the legacy ?collection= form', async () => {
    const r = await t.client.post('/_api/document/c', { _key: 'n', v: 1 }, { query: { returnNew: true } });
    expect(r.body.new).toEqual({ _key: 'n', _id: 'c/n', _rev: r.body._rev, v: 1 });
    const s = await t.client.post('/_api/document/c', { v: 2 }, { query: { silent: true } });
    expect(s.body).toEqual({});
    const legacy = await t.client.post('/_api/document', { _key: 'l' }, { query: { collection: 'c' } });
    expect(legacy.body._id).toBe('c/l');
    expect((await t.client.post('/_api/document', { _key: 'm' })).body.errorNum).toBe(1204);
  });

  it('duplicate key is 409/1210; overwrite replaces and returnOld gives the old one', async () => {
    await t.client.post('/_api/document/c', { _key: 'k', a: 1 });
    const dup = await t.client.post('/_api/document/c', { _key: 'k', a: 2 });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: true, code: 409, errorNum: 1210 });
    const over = await t.client.post('/_api/document/c', { _key: 'k', b: 2 }, { query: { overwrite: true, returnOld: true, returnNew: true } });
    expect(over.status).toBe(202);
    expect(over.body.old).toMatchObject({ a: 1 });
    expect(over.body.new).toMatchObject({ b: 2 });
    expect(over.body.new.a).toBeUndefined();
  });

  it('overwriteMode update merges and ignore keeps the old one', async () => {
    await t.client.post('/_api/document/c', { _key: 'k', a: 1 });
    await t.client.post('/_api/document/c', { _key: 'k', b: 2 }, { query: { overwriteMode: 'update' } });
    expect((await t.client.get('/_api/document/c/k')).body).toMatchObject({ a: 1, b: 2 });
    await t.client.post('/_api/document/c', { _key: 'k', z: 9 }, { query: { overwriteMode: 'ignore' } });
    expect((await t.client.get('/_api/document/c/k')).body.z).toBeUndefined();
    expect((await t.client.post('/_api/document/c', { _key: 'k' }, { query: { overwriteMode: 'bogus' } })).status).toBe(400);
  });

  it.each([['a/b'], ['a b'], [''], ['x'.repeat(255)], [12], ['ü']])('bad key %j is 400/1221', async (key) => {
    const r = await t.client.post('/_api/document/c', { _key: key });
    expect(r.status).toBe(400);
    expect(r.body.errorNum).toBe(1221);
  });

  it('accepts every legal key character', async () => {
    const key = "aZ0_-:.@()+,=;$!*'%";
    await t.client.post('/_api/document/c', { _key: key, ok: true });
    expect((await t.client.get(`/_api/document/c/${encodeURIComponent(key)}`)).body.ok).toBe(true);
  });

  it('non-object documents are 400/1227', async () => {
    expect((await t.client.post('/_api/document/c', 'text')).body.errorNum).toBe(1227);
    const batch = await t.client.post('/_api/document/c', [1, { ok: 1 }]);
    expect(batch.body[0].errorNum).toBe(1227);
    expect(batch.body[1]._key).toBeDefined();
  });

  it('allowUserKeys=false refuses keys with 1222; autoincrement counts', async () => {
    await t.client.post('/_api/collection', { name: 'auto', keyOptions: { type: 'autoincrement', allowUserKeys: false, offset: 10, increment: 5 } });
    expect((await t.client.post('/_api/document/auto', { _key: 'x' })).body.errorNum).toBe(1222);
    const keys = [];
    for (let i = 0; i < 3; i++) keys.push((await t.client.post('/_api/document/auto', {})).body._key);
    expect(keys).toEqual(['10', '15', '20']);
  });

  it('edges need valid _from and _to (1233)', async () => {
    expect((await t.client.post('/_api/document/e', { _from: 'c/a' })).body.errorNum).toBe(1233);
    expect((await t.client.post('/_api/document/e', { _from: 'c/a', _to: 'nohandle' })).body.errorNum).toBe(1233);
    const ok = await t.client.post('/_api/document', { _from: 'c/a', _to: 'c/b' }, { query: { collection: 'e' } });
    expect(ok.status).toBe(202);
    expect((await t.client.get(`/_api/document/e/${ok.body._key}`)).body).toMatchObject({ _from: 'c/a', _to: 'c/b' });
    expect((await t.client.patch(`/_api/document/e/${ok.body._key}`, { _to: 'bad' })).body.errorNum).toBe(1233);
  });

  it('batch insert keeps order, reports per-slot errors and X-C8-Error-Codes', async () => {
    await t.client.post('/_api/document/c', { _key: 'dup' });
    const r = await t.client.post('/_api/document/c', [{ _key: 'a' }, { _key: 'dup' }, { _key: 'b/' }, { _key: 'dup' }]);
    expect(r.status).toBe(202);
    expect(r.body[0]._key).toBe('a');
    expect(r.body[1]).toMatchObject({ error: true, errorNum: 1210 });
    expect(r.body[2]).toMatchObject({ error: true, errorNum: 1221 });
    expect(r.headers['x-c8-error-codes']).toBe('1210:2,1221:1');
    expect((await t.client.get('/_api/collection/c/count')).body.count).toBe(2);
  });

  it('a missing collection is 404/1203', async () => {
    const r = await t.client.post('/_api/document/nope', {});
    expect(r.status).toBe(404);
    expect(r.body.errorNum).toBe(1203);
  });
});

describe('read', () => {
  it('missing document is 404/1202; HEAD answers 200/404 with no body', async () => {
    const r = await t.client.get('/_api/document/c/none');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: true, code: 404, errorNum: 1202, errorMessage: 'document not found' });
    await t.client.post('/_api/document/c', { _key: 'k' });
    const h = await t.client.head('/_api/document/c/k');
    expect(h.status).toBe(200);
    expect(h.text).toBe('');
    expect((await t.client.head('/_api/document/c/none')).status).toBe(404);
  });

  it('If-None-Match gives 304 and a wrong If-Match 412', async () => {
    const { _rev } = (await t.client.post('/_api/document/c', { _key: 'k' })).body;
    expect((await t.client.get('/_api/document/c/k', { headers: { 'if-none-match': `"${_rev}"` } })).status).toBe(304);
    const bad = await t.client.get('/_api/document/c/k', { headers: { 'if-match': '"nope"' } });
    expect(bad.status).toBe(412);
    expect(bad.body).toMatchObject({ errorNum: 1200, _rev, _key: 'k', _id: 'c/k' });
  });

  it('iterates in insertion order; a PATCH keeps the position, a replace moves the document to the end', async () => {
    for (const k of ['z', 'a', 'm']) await t.client.post('/_api/document/c', { _key: k });
    await t.client.patch('/_api/document/c/z', { v: 1 });
    await t.client.put('/_api/document/c/a', { v: 2 });
    const keys = async (query: string) => (await t.client.post('/_api/cursor', { query })).body.result;
    expect(await keys('FOR d IN c RETURN d._key')).toEqual(['z', 'm', 'a']);
    expect(await keys('FOR d IN c LIMIT 1, 2 RETURN d._key')).toEqual(['m', 'a']);
    expect(await keys('FOR d IN c FILTER d.v > 0 RETURN d._key')).toEqual(['z', 'a']);
  });
});

describe('replace and update', () => {
  it('replace swaps the body and returns _oldRev, old and new', async () => {
    const ins = (await t.client.post('/_api/document/c', { _key: 'k', a: 1 })).body;
    const r = await t.client.put('/_api/document/c/k', { b: 2 }, { query: { returnOld: true, returnNew: true } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ _id: 'c/k', _key: 'k', _oldRev: ins._rev, old: { a: 1 }, new: { b: 2 } });
    expect(r.body.new.a).toBeUndefined();
    expect(r.body._rev).not.toBe(ins._rev);
  });

  it('update merges, keeps null by default, removes it with keepNull=false', async () => {
    await t.client.post('/_api/document/c', { _key: 'k', a: 1, o: { x: 1, y: 2 } });
    await t.client.patch('/_api/document/c/k', { empty: null, o: { y: 3, z: 4 } });
    expect((await t.client.get('/_api/document/c/k')).body).toMatchObject({ a: 1, empty: null, o: { x: 1, y: 3, z: 4 } });
    await t.client.patch('/_api/document/c/k', { a: null, o: { x: null } }, { query: { keepNull: false } });
    const d = (await t.client.get('/_api/document/c/k')).body;
    expect('a' in d).toBe(false);
    expect(d.o).toEqual({ y: 3, z: 4 });
  });

  it('mergeObjects=false replaces sub-objects', async () => {
    await t.client.post('/_api/document/c', { _key: 'k', o: { x: 1 } });
    await t.client.patch('/_api/document/c/k', { o: { y: 2 } }, { query: { mergeObjects: false } });
    expect((await t.client.get('/_api/document/c/k')).body.o).toEqual({ y: 2 });
  });

  it('If-Match mismatch is 412/1200 with the current revision; a matching one succeeds', async () => {
    const { _rev } = (await t.client.post('/_api/document/c', { _key: 'k' })).body;
    const bad = await t.client.put('/_api/document/c/k', { a: 1 }, { headers: { 'if-match': '"_old"' } });
    expect(bad.status).toBe(412);
    expect(bad.body).toEqual({ error: true, code: 412, errorNum: 1200, errorMessage: 'precondition failed', _id: 'c/k', _key: 'k', _rev });
    expect((await t.client.patch('/_api/document/c/k', { a: 1 }, { headers: { 'if-match': _rev } })).status).toBe(202);
  });

  it('ignoreRevs=false honours a _rev in the body', async () => {
    await t.client.post('/_api/document/c', { _key: 'k' });
    const r = await t.client.patch('/_api/document/c/k', { _rev: 'stale', a: 1 }, { query: { ignoreRevs: false } });
    expect(r.status).toBe(412);
    expect((await t.client.patch('/_api/document/c/k', { _rev: 'stale', a: 1 })).status).toBe(202);
  });

  it('missing documents are 404/1202 and bad keys 400/1221', async () => {
    expect((await t.client.put('/_api/document/c/none', {})).body.errorNum).toBe(1202);
    expect((await t.client.patch('/_api/document/c/none', {})).body.errorNum).toBe(1202);
    expect((await t.client.patch('/_api/document/c/bad%20key', {})).body.errorNum).toBe(1221);
  });

  it('batch replace and update with per-slot errors', async () => {
    await t.client.post('/_api/document/c', [{ _key: 'a', v: 1 }, { _key: 'b', v: 1 }]);
    const r = await t.client.patch('/_api/document/c', [{ _key: 'a', w: 2 }, { _key: 'zz', w: 2 }, { w: 3 }], { query: { returnNew: true } });
    expect(r.body[0].new).toMatchObject({ v: 1, w: 2 });
    expect(r.body[1].errorNum).toBe(1202);
    expect(r.body[2].errorNum).toBe(1205);
    expect(r.headers['x-c8-error-codes']).toBe('1202:1,1205:1');
    const p = await t.client.put('/_fabric/_system/document/c/?', [{ _key: 'b', only: true }]);
    expect(p.status).toBe(202);
    expect((await t.client.get('/_api/document/c/b')).body).toMatchObject({ only: true });
    expect((await t.client.get('/_api/document/c/b')).body.v).toBeUndefined();
    expect((await t.client.put('/_api/document/c', { _key: 'b' })).status).toBe(400);
  });
});

describe('delete', () => {
  it('removes and returns old; then 404/1202', async () => {
    await t.client.post('/_api/document/c', { _key: 'k', a: 1 });
    const r = await t.client.delete('/_api/document/c/k', undefined, { query: { returnOld: true } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ _id: 'c/k', _key: 'k', old: { a: 1 } });
    expect((await t.client.delete('/_api/document/c/k')).body.errorNum).toBe(1202);
    expect((await t.client.get('/_api/document/c/k')).status).toBe(404);
  });

  it('honours If-Match', async () => {
    await t.client.post('/_api/document/c', { _key: 'k' });
    expect((await t.client.delete('/_api/document/c/k', undefined, { headers: { 'if-match': 'x' } })).status).toBe(412);
    expect((await t.client.get('/_api/document/c/k')).status).toBe(200);
  });

  it('batch delete takes keys, handles and objects', async () => {
    await t.client.post('/_api/document/c', [{ _key: 'a' }, { _key: 'b' }, { _key: 'd' }]);
    const r = await t.client.delete('/_fabric/_system/document/c/?', ['a', 'c/b', { _key: 'd' }, 'gone', 'other/x']);
    expect(r.status).toBe(202);
    expect(r.body.slice(0, 3).map((x: { _key: string }) => x._key)).toEqual(['a', 'b', 'd']);
    expect(r.body[3].errorNum).toBe(1202);
    expect(r.body[4].errorNum).toBe(1205);
    expect((await t.client.get('/_api/collection/c/count')).body.count).toBe(0);
  });
});
