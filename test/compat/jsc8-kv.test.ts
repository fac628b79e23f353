import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gdnConnection, startFabric, type Fabric, type GdnConnection } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';

/** The key-value calls of the real jsc8@1.1.0 over HTTPS through the front door, as an app makes them. */
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jsc8 = require('jsc8') as new (config: object) => any;
const API_KEY = 'demo_example.com.kv.AbCdEf123';

let fabric: Fabric;
let conn: GdnConnection;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology(), latency: false, https: true });
  conn = await gdnConnection(fabric);
  client = new jsc8({ ...conn.jsc8, apiKey: API_KEY });
}, 60_000);
afterAll(async () => {
  client?.close();
  await conn?.close();
  await fabric?.close();
});

describe('jsc8@1.1.0 key-value calls through the HTTPS front door', () => {
  it('creates a collection, upserts pairs, reads values, keys and the count, deletes one and truncates', async () => {
    expect(await client.createKVCollection('carts', { expiration: true })).toEqual({ error: false, code: 200, name: 'carts' });
    expect(await client.getKVCollections()).toMatchObject({ result: [{ name: 'carts', expiration: true }] });
    const value = { items: [{ sku: 'A-1', qty: 2, price: 19.99 }], note: 'ça marche 👍', nested: { deep: [1, null, true] } };
    const inserted = (await client.insertKVPairs('carts', [
      { _key: 'u1', value, expireAt: 0 },
      { _key: 'u2', value: { val: 123 }, expireAt: -1 },
      { _key: 'u3', value: 'plain', expireAt: 0 },
    ])) as { _key: string; _id: string; _rev: string }[];
    expect(inserted.map((m) => [m._key, m._id])).toEqual([['u1', 'carts/u1'], ['u2', 'carts/u2'], ['u3', 'carts/u3']]);

    expect(await client.getValueForKey('carts', 'u1')).toMatchObject({ _key: 'u1', _id: 'carts/u1', value, expireAt: 0 });
    expect((await client.getValueForKey('carts', 'u2')).value).toEqual({ val: 123 });
    expect(await client.getKVCount('carts')).toMatchObject({ error: false, code: 200, name: 'carts', count: 3 });
    expect((await client.getKVKeys('carts')).result).toEqual(['u1', 'u2', 'u3']);
    expect((await client.getKVKeys('carts', { offset: 1, limit: 1, order: 'desc' })).result).toEqual(['u2']);

    expect(await client.deleteEntryForKey('carts', 'u2')).toMatchObject({ _id: 'carts/u2', _key: 'u2', _rev: expect.any(String) });
    expect((await client.getKVKeys('carts')).result).toEqual(['u1', 'u3']);
    expect(await client.truncateKVCollectionByName('carts')).toEqual({ error: false, code: 200, name: 'carts' });
    expect((await client.getKVCount('carts')).count).toBe(0);
  });

  it('sees a missing key and a missing collection as C8Errors with their errorNums', async () => {
    await client.createKVCollection('sessions');
    const missingKey = await client.getValueForKey('sessions', 'nobody').catch((e: unknown) => e);
    expect(missingKey).toMatchObject({ name: 'C8Error', errorNum: 1202, statusCode: 404 });
    const missingCollection = await client.getKVCount('no_such_kv').catch((e: unknown) => e);
    expect(missingCollection).toMatchObject({ name: 'C8Error', errorNum: 1203, statusCode: 404 });
    const again = await client.createKVCollection('sessions').catch((e: unknown) => e);
    expect(again).toMatchObject({ name: 'C8Error', errorNum: 1207, statusCode: 409 });
  });
});
