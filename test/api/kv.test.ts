import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
});
afterEach(async () => t.close());

const nowSeconds = () => Math.floor(t.clock.now() / 1000);
const put = (c: string, pairs: unknown) => t.client.put(`/_api/kv/${c}/value`, pairs);
const query = async (q: string, bindVars: Record<string, unknown> = {}) => (await t.client.post('/_api/cursor', { query: q, bindVars })).body;

describe('KV collections: create, list, drop', () => {
  it('creates with expiration and group on or off; lists them; 409 for a name taken by either kind', async () => {
    const created = await t.client.post('/_api/kv/sessions', { stream: false, waitForSync: false }, { query: { expiration: true } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ error: false, code: 200, name: 'sessions' });
    expect((await t.client.post('/_api/kv/flags', undefined, { query: { group: 'True' } })).body).toEqual({ error: false, code: 200, name: 'flags' });
    await t.client.post('/_api/collection', { name: 'docs' });
    expect((await t.client.get('/_api/kv')).body).toEqual({
      error: false,
      code: 200,
      result: [
        { name: 'sessions', expiration: true },
        { name: 'flags', expiration: false },
      ],
    });
    for (const name of ['sessions', 'docs']) {
      const dup = await t.client.post(`/_api/kv/${name}`);
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ error: true, code: 409, errorNum: 1207 });
    }
    expect((await t.client.post('/_api/kv/bad%20name')).body).toMatchObject({ code: 400, errorNum: 1208 });
  });

  it('appear in GET /_api/collection with collectionModel KV, and drop through either API', async () => {
    await t.client.post('/_api/kv/cart');
    await t.client.post('/_api/collection', { name: 'docs' });
    const list = (await t.client.get('/_api/collection')).body.result as { name: string; collectionModel: string; isLocal: boolean }[];
    expect(list.map((c) => [c.name, c.collectionModel, c.isLocal])).toEqual([
      ['cart', 'KV', false],
      ['docs', 'DOC', false],
    ]);
    expect((await t.client.delete('/_api/kv/cart')).body).toEqual({ error: false, code: 200, name: 'cart' });
    expect((await t.client.get('/_api/kv')).body.result).toEqual([]);
    expect((await t.client.delete('/_api/kv/cart')).body).toMatchObject({ code: 404, errorNum: 1203 });
  });

  it('refuses blob collections (501) and malformed options (400)', async () => {
    expect((await t.client.post('/_api/kv/b', { blobs: true })).body).toMatchObject({ code: 501, errorNum: 9 });
    expect((await t.client.post('/_api/kv/b', undefined, { query: { expiration: 'maybe' } })).body).toMatchObject({ code: 400, errorNum: 10, errorMessage: expect.stringContaining('expiration') });
    expect((await t.client.post('/_api/kv/b', { stream: 'yes' })).body).toMatchObject({ code: 400, errorNum: 10, errorMessage: expect.stringContaining('stream') });
    expect((await t.client.get('/_api/kv')).body.result).toEqual([]);
  });
});

describe('KV pairs', () => {
  beforeEach(async () => {
    await t.client.post('/_api/kv/kv', undefined, { query: { group: true } });
  });

  it('upserts many (202, _oldrev on a replace) and gets one as a bare document, values kept exactly', async () => {
    const value = { val: 123, f: 0.1, big: 9007199254740991, s: 'übergrößen ✓ 𝄞 "quoted"', nested: [{ a: null }, [true, false]], empty: [] };
    const first = await put('kv', [{ _key: 'a', value, expireAt: 0 }, { _key: 'b', value: 'x', groupID: 'g' }]);
    expect(first.status).toBe(202);
    expect(first.body).toEqual([
      { _id: 'kv/a', _key: 'a', _rev: expect.any(String) },
      { _id: 'kv/b', _key: 'b', _rev: expect.any(String) },
    ]);
    const again = await put('kv', [{ _key: 'a', value: [1, 2] }]);
    expect(again.body).toEqual([{ _id: 'kv/a', _key: 'a', _rev: expect.any(String), _oldrev: first.body[0]._rev }]);
    await put('kv', [{ _key: 'a', value }]);
    const got = await t.client.get('/_api/kv/kv/value/a');
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(got.body).sort()).toEqual(['_id', '_key', '_rev', 'expireAt', 'value']);
    expect(got.body).toMatchObject({ _id: 'kv/a', _key: 'a', expireAt: -1, value });
    expect((await t.client.get('/_api/kv/kv/value/b')).body).toMatchObject({ value: 'x', groupID: 'g' });
    const missing = await t.client.get('/_api/kv/kv/value/none');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: true, code: 404, errorNum: 1202 });
  });

  it('counts and lists keys with offset, limit, order and groupID', async () => {
    await put('kv', Array.from({ length: 25 }, (_, i) => ({ _key: `k${String(i).padStart(2, '0')}`, value: i, groupID: i < 5 ? 'first' : 'rest' })));
    expect((await t.client.get('/_api/kv/kv/count')).body).toEqual({ error: false, code: 200, name: 'kv', count: 25 });
    expect((await t.client.get('/_api/kv/kv/count', { query: { groupID: 'first' } })).body.count).toBe(5);
    const keys = (q: Record<string, string | number>) => t.client.get('/_api/kv/kv/keys', { query: q }).then((r) => r.body);
    expect((await keys({})).result).toHaveLength(20);
    expect((await keys({})).result[0]).toBe('k00');
    expect((await keys({ offset: 22 })).result).toEqual(['k22', 'k23', 'k24']);
    expect((await keys({ limit: 2, order: 'desc' })).result).toEqual(['k24', 'k23']);
    expect((await keys({ groupID: 'first', order: 'DESC', limit: 3, offset: 1 })).result).toEqual(['k03', 'k02', 'k01']);
    expect(await keys({ limit: -1 })).toMatchObject({ code: 400, errorNum: 10, errorMessage: expect.stringContaining('limit') });
    expect(await keys({ order: 'sideways' })).toMatchObject({ code: 400, errorNum: 10, errorMessage: expect.stringContaining('order') });
  });

  it('reads values by keys (unknown skipped) or paged, and deletes one or many', async () => {
    await put('kv', [{ _key: 'a', value: 1 }, { _key: 'b', value: 2 }, { _key: 'c', value: 3, groupID: 'g' }]);
    expect((await t.client.post('/_api/kv/kv/values', ['c', 'zz', 'a'])).body).toEqual({
      error: false,
      code: 200,
      result: [{ _key: 'c', value: 3, expireAt: -1, groupID: 'g' }, { _key: 'a', value: 1, expireAt: -1 }],
    });
    expect((await t.client.post('/_api/kv/kv/values', undefined, { query: { offset: 1, limit: 1 } })).body.result).toEqual([{ _key: 'b', value: 2, expireAt: -1 }]);
    expect((await t.client.post('/_api/kv/kv/values', undefined, { query: { groupID: 'g' } })).body.result.map((p: { _key: string }) => p._key)).toEqual(['c']);
    const one = await t.client.delete('/_api/kv/kv/value/a');
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ _id: 'kv/a', _key: 'a', _rev: expect.any(String) });
    expect((await t.client.delete('/_api/kv/kv/value/a')).body).toMatchObject({ code: 404, errorNum: 1202 });
    const many = await t.client.delete('/_api/kv/kv/values', ['b', 'gone']);
    expect(many.status).toBe(202);
    expect(many.body).toEqual([{ _id: 'kv/b', _key: 'b', _rev: expect.any(String) }, { error: true, errorNum: 1202, errorMessage: expect.any(String), _key: 'gone' }]);
    expect(many.headers['x-c8-error-codes']).toBe('1202:1');
    expect((await t.client.get('/_api/kv/kv/count')).body.count).toBe(1);
  });

  it('truncates all pairs or one group with exactly {error, code, name}', async () => {
    await put('kv', [{ _key: 'a', value: 1, groupID: 'g' }, { _key: 'b', value: 2, groupID: 'h' }, { _key: 'c', value: 3 }]);
    expect((await t.client.put('/_api/kv/kv/truncate', undefined, { query: { groupID: 'g' } })).body).toStrictEqual({ error: false, code: 200, name: 'kv' });
    expect((await t.client.get('/_api/kv/kv/keys')).body.result).toEqual(['b', 'c']);
    expect((await t.client.put('/_api/kv/kv/truncate')).body).toStrictEqual({ error: false, code: 200, name: 'kv' });
    expect((await t.client.get('/_api/kv/kv/count')).body.count).toBe(0);
  });

  it('answers every path form GDN clients send', async () => {
    await put('kv', [{ _key: 'a', value: 1 }]);
    for (const path of ['/_fabric/_system/_api/kv/kv/value/a', '/_api/kv/kv/value/a', `/_tenant/${t.credentials.tenant}/_fabric/_system/_api/kv/kv/value/a`, '/_fabric/_system/kv/kv/value/a/']) {
      const r = await t.client.get(path);
      expect([path, r.status, r.body.value]).toEqual([path, 200, 1]);
    }
  });
});

describe('KV expiry on the clock', () => {
  it('an expired pair is never returned, by get, keys, values, count or C8QL, and the sweep removes it', async () => {
    await t.client.post('/_api/kv/s', undefined, { query: { expiration: true } });
    const now = nowSeconds();
    await put('s', [{ _key: 'soon', value: 1, expireAt: now + 60 }, { _key: 'later', value: 2, expireAt: now + 7200 }, { _key: 'never', value: 3, expireAt: -1 }]);
    expect((await query('FOR p IN s SORT p._key RETURN p._key')).result).toEqual(['later', 'never', 'soon']);
    t.clock.advance(61_000);
    expect((await t.client.get('/_api/kv/s/value/soon')).status).toBe(404);
    expect((await t.client.get('/_api/kv/s/keys')).body.result).toEqual(['later', 'never']);
    expect((await t.client.post('/_api/kv/s/values', ['soon', 'later'])).body.result.map((p: { _key: string }) => p._key)).toEqual(['later']);
    expect((await t.client.get('/_api/kv/s/count')).body.count).toBe(2);
    expect((await t.client.get('/_api/collection/s/count')).body.count).toBe(2);
    expect((await query('FOR p IN s FILTER p.value >= 1 SORT p._key RETURN p._key')).result).toEqual(['later', 'never']);
    expect((await query('RETURN DOCUMENT("s/soon")')).result).toEqual([null]);
    // The clock's advance ran the PoP's sweep: the removal is in the change log, to replicate.
    const log = t.region.storage.changes.since(0, 100);
    expect(log.filter((e) => e.op === 'remove').map((e) => e.key)).toEqual(['soon']);
    t.clock.advance(7200_000);
    expect((await t.client.get('/_api/kv/s/keys')).body.result).toEqual(['never']);
  });

  it('a collection created without expiration keeps pairs whatever their expireAt', async () => {
    await t.client.post('/_api/kv/s');
    await put('s', [{ _key: 'k', value: 1, expireAt: nowSeconds() + 1 }]);
    t.clock.advance(3_600_000);
    expect((await t.client.get('/_api/kv/s/value/k')).body).toMatchObject({ value: 1 });
  });
});

describe('KV bad input', () => {
  beforeEach(async () => {
    await t.client.post('/_api/kv/kv');
    await t.client.post('/_api/collection', { name: 'docs' });
  });

  it('answers malformed pairs with the envelope and writes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ _key: 'a', value: 1 }, 10, 'array'],
      [[{ value: 1 }], 10, '_key'],
      [[{ _key: 'a' }], 10, 'value'],
      [[{ _key: 'a b', value: 1 }], 1221, 'illegal key'],
      [[{ _key: 'a', value: 1, expireAt: 'soon' }], 10, 'expireAt'],
      [[{ _key: 'a', value: 1, expireAt: 1.5 }], 10, 'integer'],
      [[{ _key: 'a', value: 1 }, { _key: 'b', value: 2, groupID: 'g' }], 10, 'group=true'],
    ];
    for (const [body, errorNum, text] of cases) {
      const r = await put('kv', body);
      expect([JSON.stringify(body), r.status, r.body.errorNum]).toEqual([JSON.stringify(body), 400, errorNum]);
      expect(r.body.errorMessage).toContain(text);
    }
    expect((await t.client.put('/_api/kv/kv/value', undefined, { raw: '[{"_key": "a", ' })).body).toMatchObject({ code: 400, errorNum: 600 });
    expect((await t.client.get('/_api/kv/kv/count')).body.count).toBe(0);
  });

  it('refuses too many keys at once', async () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
    expect((await t.client.post('/_api/kv/kv/values', keys(101))).body).toMatchObject({ code: 400, errorNum: 10, errorMessage: expect.stringContaining('at most 100') });
    expect((await t.client.delete('/_api/kv/kv/values', keys(1001))).body).toMatchObject({ code: 400, errorNum: 10, errorMessage: expect.stringContaining('at most 1000') });
    expect((await t.client.delete('/_api/kv/kv/values', { keys: ['a'] })).body).toMatchObject({ code: 400, errorNum: 10 });
  });

  it('a KV call on a document collection and a document call on a KV collection answer 400/1218 naming the right API', async () => {
    const onDocs = await t.client.get('/_api/kv/docs/count');
    expect(onDocs.body).toMatchObject({ error: true, code: 400, errorNum: 1218, errorMessage: expect.stringContaining('/_api/document/docs') });
    expect((await put('docs', [{ _key: 'a', value: 1 }])).body).toMatchObject({ errorNum: 1218 });
    const onKv = await t.client.post('/_api/document/kv', { _key: 'a' });
    expect(onKv.body).toMatchObject({ error: true, code: 400, errorNum: 1218, errorMessage: expect.stringContaining('/_api/kv/kv') });
    expect((await t.client.get('/_api/document/kv/a')).body).toMatchObject({ errorNum: 1218 });
    expect((await t.client.get('/_api/kv/none/count')).body).toMatchObject({ code: 404, errorNum: 1203 });
  });

  it('C8QL reads pairs as documents {_key, value, expireAt} and refuses to write them', async () => {
    await put('kv', [{ _key: 'a', value: { n: 1 } }]);
    expect((await query('FOR p IN kv RETURN UNSET(p, "_rev")')).result).toEqual([{ _key: 'a', _id: 'kv/a', value: { n: 1 }, expireAt: -1 }]);
    const insert = await query('INSERT { _key: "b", value: 2 } INTO kv');
    expect(insert).toMatchObject({ error: true, errorNum: 1218 });
    expect((await query('FOR p IN kv REMOVE p IN kv')).errorNum).toBe(1218);
    expect((await t.client.get('/_api/kv/kv/count')).body.count).toBe(1);
  });
});
