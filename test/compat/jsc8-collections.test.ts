import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's collection calls, unchanged, and what of them the other region sees once replicated. */
const j = useJsc8();

describe('jsc8@1.1.0 collections', () => {
  it('creates document and edge collections, lists, describes, counts and changes them; the other region sees the same', async () => {
    expect(await j.client.createCollection('people')).toMatchObject({ name: 'people', type: 2 });
    expect(await j.client.createCollection('knows', {}, true)).toMatchObject({ name: 'knows', type: 3 });
    await j.client.createCollection('stamped', { stream: true });
    expect(await j.client.hasCollection('people')).toBe(true);
    expect(await j.client.hasCollection('nobody')).toBe(false);
    expect(await j.client.getCollection('people')).toMatchObject({ name: 'people', type: 2 });
    const names = async (c: typeof j.client) => ((await c.getCollections()) as { name: string }[]).map((x) => x.name).sort();
    expect(await names(j.client)).toEqual(['knows', 'people', 'stamped']);
    expect(await j.client.updateCollectionProperties('people', { waitForSync: true })).toMatchObject({ name: 'people' });
    await j.client.insertDocumentMany('people', [{ _key: 'a' }, { _key: 'b' }]);
    expect(await j.client.collection('people').count()).toMatchObject({ count: 2 });
    expect((await j.client.getCollectionKeys('people')).sort()).toEqual(['a', 'b']);
    expect((await j.client.getCollectionIds('people')).sort()).toEqual(['people/a', 'people/b']);

    await j.replicated();
    expect(await names(j.remoteClient)).toEqual(['knows', 'people', 'stamped']);
    expect(await j.remoteClient.getCollection('knows')).toMatchObject({ name: 'knows', type: 3 });
    expect(await j.remoteClient.collection('people').count()).toMatchObject({ count: 2 });
  });

  it('truncates and deletes; both reach the other region', async () => {
    await j.client.collection('people').truncate();
    expect(await j.client.collection('people').count()).toMatchObject({ count: 0 });
    await j.client.deleteCollection('stamped');
    expect(await j.client.hasCollection('stamped')).toBe(false);
    await j.replicated();
    expect(await j.remoteClient.collection('people').count()).toMatchObject({ count: 0 });
    expect(await j.remoteClient.hasCollection('stamped')).toBe(false);
  });

  it('a taken name is 409/1207 and a bad one 400', async () => {
    expect(await rejection(j.client.createCollection('people'))).toMatchObject({ name: 'C8Error', statusCode: 409, errorNum: 1207 });
    expect(await rejection(j.client.createCollection('bad name!'))).toMatchObject({ name: 'C8Error', statusCode: 400 });
  });
});
