import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
});
afterEach(async () => t.close());

describe('collections', () => {
  it('creates a document collection with the GDN collection object', async () => {
    const r = await t.client.post('/_api/collection', { name: 'addresses' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      error: false,
      code: 200,
      name: 'addresses',
      type: 2,
      status: 3,
      collectionModel: 'DOC',
      isLocal: false,
      isSystem: false,
      hasStream: false,
      searchEnabled: false,
    });
    expect(typeof r.body.id).toBe('string');
  });

  it('creates an edge collection, a local one and one with a stream', async () => {
    expect((await t.client.post('/_api/collection', { name: 'e', type: 3 })).body.type).toBe(3);
    expect((await t.client.post('/_api/collection', { name: 'l', isLocal: true })).body.isLocal).toBe(true);
    expect((await t.client.post('/_api/collection', { name: 's', stream: true })).body.hasStream).toBe(true);
  });

  it('refuses a duplicate name with 409/1207', async () => {
    await t.client.post('/_api/collection', { name: 'c' });
    const r = await t.client.post('/_api/collection', { name: 'c' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: true, code: 409, errorNum: 1207 });
    expect(typeof r.body.errorMessage).toBe('string');
  });

  it.each([[''], ['1abc'], ['a b'], ['_sys'], ['x'.repeat(65)], [42], [null]])('refuses the bad name %j with 400/1208', async (name) => {
    const r = await t.client.post('/_api/collection', { name });
    expect(r.status).toBe(400);
    expect(r.body.errorNum).toBe(1208);
  });

  it('refuses a bad type and a non-object body with 400', async () => {
    expect((await t.client.post('/_api/collection', { name: 'c', type: 5 })).status).toBe(400);
    expect((await t.client.post('/_api/collection', [1])).body.errorNum).toBe(10);
  });

  it('allows system collections only with isSystem', async () => {
    const r = await t.client.post('/_api/collection', { name: '_sys', isSystem: true });
    expect(r.body.isSystem).toBe(true);
    const list = await t.client.get('/_api/collection', { query: { excludeSystem: true } });
    expect(list.body.result).toEqual([]);
    const all = await t.client.get('/_api/collection');
    expect(all.body.result.map((c: { name: string }) => c.name)).toEqual(['_sys']);
    expect((await t.client.delete('/_api/collection/_sys')).status).toBe(403);
    expect((await t.client.delete('/_api/collection/_sys', undefined, { query: { isSystem: true } })).status).toBe(200);
  });

  it('lists in creation order, gets one, and 404/1203 for a missing one', async () => {
    for (const name of ['b', 'a', 'c']) await t.client.post('/_api/collection', { name });
    const list = await t.client.get('/_api/collection', { query: { excludeSystem: true } });
    expect(list.body).toMatchObject({ error: false, code: 200 });
    expect(list.body.result.map((c: { name: string }) => c.name)).toEqual(['b', 'a', 'c']);
    expect((await t.client.get('/_api/collection/a')).body.name).toBe('a');
    const missing = await t.client.get('/_api/collection/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.errorNum).toBe(1203);
  });

  it('reads and updates properties', async () => {
    await t.client.post('/_api/collection', { name: 'c', keyOptions: { type: 'autoincrement', increment: 5, offset: 10 } });
    const p = await t.client.get('/_api/collection/c/properties');
    expect(p.body).toMatchObject({ name: 'c', waitForSync: false, statusString: 'loaded', keyOptions: { type: 'autoincrement', allowUserKeys: true, increment: 5, offset: 10 } });
    const u = await t.client.put('/_api/collection/c/properties', { hasStream: true, waitForSync: true });
    expect(u.body).toMatchObject({ hasStream: true, waitForSync: true });
    expect((await t.client.get('/_api/collection/c')).body.waitForSync).toBe(true);
    expect((await t.client.put('/_api/collection/c/properties', { waitForSync: 'yes' })).status).toBe(400);
  });

  it('counts as a number, truncates and drops', async () => {
    await t.client.post('/_api/collection', { name: 'c' });
    await t.client.post('/_api/document/c', [{ a: 1 }, { a: 2 }]);
    const count = await t.client.get('/_api/collection/c/count');
    expect(count.body.count).toBe(2);
    expect((await t.client.put('/_api/collection/c/truncate')).body.name).toBe('c');
    expect((await t.client.get('/_api/collection/c/count')).body.count).toBe(0);
    const id = (await t.client.get('/_api/collection/c')).body.id;
    const d = await t.client.delete('/_api/collection/c');
    expect(d.body).toEqual({ error: false, code: 200, id });
    expect((await t.client.get('/_api/collection/c')).status).toBe(404);
    expect((await t.client.delete('/_api/collection/c')).body.errorNum).toBe(1203);
    expect((await t.client.put('/_api/collection/c/truncate')).body.errorNum).toBe(1203);
  });

  it('answers 404/1228 for an unknown fabric', async () => {
    const r = await t.client.get('/_fabric/nofab/_api/collection');
    expect(r.status).toBe(404);
    expect(r.body.errorNum).toBe(1228);
  });
});
