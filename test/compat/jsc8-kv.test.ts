import { describe, expect, it } from 'vitest';
import { useJsc8 } from '../helpers/jsc8.js';

/** The key-value calls of the real jsc8@1.1.0 over HTTPS through the front door, as an app makes them. */
const j = useJsc8();

describe('jsc8@1.1.0 key-value calls through the HTTPS front door', () => {
  it('creates a collection, upserts pairs, reads values, keys and the count, deletes one and truncates', async () => {
    expect(await j.client.createKVCollection('carts', { expiration: true })).toEqual({ error: false, code: 200, name: 'carts' });
    expect(await j.client.getKVCollections()).toMatchObject({ result: [{ name: 'carts', expiration: true }] });
    const value = { items: [{ sku: 'A-1', qty: 2, price: 19.99 }], note: 'ça marche 👍', nested: { deep: [1, null, true] } };
    const inserted = (await j.client.insertKVPairs('carts', [
      { _key: 'u1', value, expireAt: 0 },
      { _key: 'u2', value: { val: 123 }, expireAt: -1 },
      { _key: 'u3', value: 'plain', expireAt: 0 },
    ])) as { _key: string; _id: string; _rev: string }[];
    expect(inserted.map((m) => [m._key, m._id])).toEqual([['u1', 'carts/u1'], ['u2', 'carts/u2'], ['u3', 'carts/u3']]);

    expect(await j.client.getValueForKey('carts', 'u1')).toMatchObject({ _key: 'u1', _id: 'carts/u1', value, expireAt: 0 });
    expect((await j.client.getValueForKey('carts', 'u2')).value).toEqual({ val: 123 });
    expect(await j.client.getKVCount('carts')).toMatchObject({ error: false, code: 200, name: 'carts', count: 3 });
    expect((await j.client.getKVKeys('carts')).result).toEqual(['u1', 'u2', 'u3']);
    expect((await j.client.getKVKeys('carts', { offset: 1, limit: 1, order: 'desc' })).result).toEqual(['u2']);

    expect(await j.client.deleteEntryForKey('carts', 'u2')).toMatchObject({ _id: 'carts/u2', _key: 'u2', _rev: expect.any(String) });
    expect((await j.client.getKVKeys('carts')).result).toEqual(['u1', 'u3']);
    expect(await j.client.truncateKVCollectionByName('carts')).toEqual({ error: false, code: 200, name: 'carts' });
    expect((await j.client.getKVCount('carts')).count).toBe(0);
  });

  it('sees a missing key and a missing collection as C8Errors with their errorNums', async () => {
    await j.client.createKVCollection('sessions');
    const missingKey = await j.client.getValueForKey('sessions', 'nobody').catch((e: unknown) => e);
    expect(missingKey).toMatchObject({ name: 'C8Error', errorNum: 1202, statusCode: 404 });
    const missingCollection = await j.client.getKVCount('no_such_kv').catch((e: unknown) => e);
    expect(missingCollection).toMatchObject({ name: 'C8Error', errorNum: 1203, statusCode: 404 });
    const again = await j.client.createKVCollection('sessions').catch((e: unknown) => e);
    expect(again).toMatchObject({ name: 'C8Error', errorNum: 1207, statusCode: 409 });
  });
});
