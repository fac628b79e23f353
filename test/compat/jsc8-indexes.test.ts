import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's index calls, unchanged, and the indexes the other region builds from the replicated DDL. */
const j = useJsc8();

type Index = { id: string; type: string; fields: string[]; unique?: boolean; sparse?: boolean; name: string; expireAfter?: number };

describe('jsc8@1.1.0 indexes', () => {
  it('adds hash, persistent, skiplist, geo, fulltext and ttl indexes, lists them; the other region has the same', async () => {
    await j.client.createCollection('places');
    expect(await j.client.addHashIndex('places', ['email'], { unique: true })).toMatchObject({ type: 'hash', fields: ['email'], unique: true, isNewlyCreated: true });
    await j.client.addPersistentIndex('places', ['city', 'zip']);
    await j.client.addSkiplistIndex('places', 'rank', { sparse: true });
    await j.client.addGeoIndex('places', ['loc'], { geoJson: true });
    await j.client.addFullTextIndex('places', 'text');
    await j.client.addTtlIndex('places', ['seen'], 3600, 'byAge');
    const shape = (list: Index[]) => list.map((i) => [i.type, i.fields.join(','), Boolean(i.unique)]).sort();
    const here = (await j.client.listCollectionIndexes('places')) as Index[];
    expect(shape(here)).toEqual([
      ['fulltext', 'text', false],
      ['geo', 'loc', false],
      ['hash', 'email', true],
      ['persistent', 'city,zip', false],
      ['primary', '_key', true],
      ['skiplist', 'rank', false],
      ['ttl', 'seen', false],
    ]);
    expect(here.find((i) => i.type === 'ttl')).toMatchObject({ name: 'byAge', expireAfter: 3600 });
    expect(await j.client.getCollectionIndexes('places')).toEqual(await j.client.listCollectionIndexes('places'));

    await j.replicated();
    expect(shape((await j.remoteClient.listCollectionIndexes('places')) as Index[])).toEqual(shape(here));
  });

  it('a unique index refuses a duplicate with 409/1210 at both regions', async () => {
    await j.client.insertDocument('places', { _key: 'a', email: 'x@example.com' });
    expect(await rejection(j.client.insertDocument('places', { email: 'x@example.com' }))).toMatchObject({ name: 'C8Error', statusCode: 409, errorNum: 1210 });
    await j.replicated();
    expect(await rejection(j.remoteClient.insertDocument('places', { email: 'x@example.com' }))).toMatchObject({ name: 'C8Error', errorNum: 1210 });
  });

  it('deleteIndex drops it here and, once replicated, there; an unknown index is 404/1212', async () => {
    const hash = ((await j.client.listCollectionIndexes('places')) as Index[]).find((i) => i.type === 'hash')!;
    await j.client.deleteIndex('places', hash.id.split('/')[1]);
    expect(((await j.client.listCollectionIndexes('places')) as Index[]).some((i) => i.type === 'hash')).toBe(false);
    await j.replicated();
    expect(((await j.remoteClient.listCollectionIndexes('places')) as Index[]).some((i) => i.type === 'hash')).toBe(false);
    expect(await j.remoteClient.insertDocument('places', { email: 'x@example.com' })).toMatchObject({ _id: expect.any(String) });
    expect(await rejection(j.client.deleteIndex('places', '999999'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1212 });
  });
});
