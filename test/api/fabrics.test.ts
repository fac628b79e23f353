import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
});
afterEach(async () => t.close());

const regions = () => t.region.spec.name;

describe('geo-fabrics', () => {
  it('creates a fabric with a dcList, lists it, describes it and drops it', async () => {
    const c = t.client;
    const made = await c.post('/_api/database', { name: 'shop', options: { dcList: `${regions()},gdn-us-east`, metadata: { owner: 'me' } }, users: [{ username: 'root' }] });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ error: false, code: 201, result: true });
    expect((await c.get('/_api/database')).body.result).toEqual(['_system', 'shop']);
    const user = (await c.get('/_fabric/_system/database/user')).body.result;
    expect(user[0].name).toBe('_system');
    expect(user[1]).toMatchObject({ name: 'shop', isSystem: false, options: { dcList: `${regions()},gdn-us-east`, tenant: '_mm', metadata: { owner: 'me' }, status: 'available' } });
    const shop = c.as(c.authorization, 'shop');
    expect((await shop.get('/_api/database/current')).body.result).toMatchObject({ name: 'shop', options: { dcList: `${regions()},gdn-us-east` } });
    expect((await shop.patch('/_api/database/metadata', { metadata: { tier: 1 } })).status).toBe(201);
    expect((await shop.get('/_api/database/metadata')).body.result.options.metadata).toEqual({ owner: 'me', tier: 1 });
    expect((await shop.put('/_api/database/metadata', { metadata: { only: true } })).status).toBe(201);
    expect((await shop.get('/_api/database/metadata')).body.result.options.metadata).toEqual({ only: true });
    expect((await c.delete('/_api/database/shop')).body).toEqual({ error: false, code: 200, result: true });
    expect((await shop.get('/_api/database/current')).body).toMatchObject({ code: 404, errorNum: 1228 });
    expect((await c.get('/_api/database')).body.result).toEqual(['_system']);
  });

  it('keeps collections, documents, indexes and saved queries per fabric', async () => {
    const c = t.client;
    await c.post('/_api/database', { name: 'f2', options: {} });
    const f2 = c.as(c.authorization, 'f2');
    for (const x of [c, f2]) expect((await x.post('/_api/collection', { name: 'same' })).status).toBe(200);
    await f2.post('/_api/document/same', { _key: 'k', where: 'f2' });
    expect((await c.get('/_api/document/same/k')).status).toBe(404);
    expect((await f2.post('/_api/cursor', { query: 'FOR d IN same RETURN [d.where, CURRENT_DATABASE()]' })).body.result).toEqual([['f2', 'f2']]);
    await f2.post('/_api/index?collection=same', { type: 'persistent', fields: ['where'] });
    expect((await c.get('/_api/index?collection=same')).body.indexes).toHaveLength(1);
    expect((await f2.get('/_api/index?collection=same')).body.indexes).toHaveLength(2);
    await f2.post('/_api/restql', { query: { name: 'q', value: 'RETURN 1', parameter: {} } });
    expect((await c.get('/_api/restql/user')).body.result).toEqual([]);
    expect((await f2.get('/_api/restql/user')).body.result[0]).toMatchObject({ name: 'q', fabric: 'f2', tenant: '_mm' });
    // Dropping the fabric removes all of it; a new one of the same name starts empty.
    await c.delete('/_api/database/f2');
    await c.post('/_api/database', { name: 'f2', options: {} });
    expect((await f2.get('/_api/collection')).body.result).toEqual([]);
    expect((await f2.get('/_api/restql/user')).body.result).toEqual([]);
  });

  it('refuses bad names, duplicates, unknown regions, creation outside _system and dropping _system', async () => {
    const c = t.client;
    for (const name of ['1abc', 'a b', '_x', '', 'x'.repeat(65), 42]) expect((await c.post('/_api/database', { name })).body.errorNum, String(name)).toBe(1229);
    await c.post('/_api/database', { name: 'dup' });
    expect((await c.post('/_api/database', { name: 'dup' })).body).toMatchObject({ code: 409, errorNum: 1207 });
    expect((await c.post('/_api/database', { name: 'far', options: { dcList: 'mars-1' } })).body.errorMessage).toContain('mars-1');
    expect((await c.as(c.authorization, 'dup').post('/_api/database', { name: 'nested' })).body).toMatchObject({ code: 403, errorNum: 1230 });
    expect((await c.delete('/_api/database/_system')).status).toBe(403);
    expect((await c.delete('/_api/database/nope')).body.errorNum).toBe(1228);
    expect((await c.as(c.authorization, 'nope').get('/_api/collection')).body).toMatchObject({ code: 404, errorNum: 1228 });
  });
});
