import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's document calls, one at a time and many at once, and their replicas at the other region. */
const j = useJsc8();

describe('jsc8@1.1.0 documents', () => {
  it('insert, get, update, replace and delete one document; each step reaches the other region', async () => {
    await j.client.createCollection('docs');
    const meta = await j.client.insertDocument('docs', { _key: 'one', name: 'Ada', tags: ['x'] }, { returnNew: true });
    expect(meta).toMatchObject({ _key: 'one', _id: 'docs/one', _rev: expect.any(String), new: { name: 'Ada', tags: ['x'] } });
    expect(await j.client.getDocument('docs', 'one')).toMatchObject({ _key: 'one', name: 'Ada' });
    expect(await j.client.getDocument('docs', 'docs/one')).toMatchObject({ _key: 'one' });
    await j.replicated();
    expect(await j.remoteClient.getDocument('docs', 'one')).toMatchObject({ name: 'Ada', _rev: meta._rev });

    const updated = await j.client.updateDocument('docs', 'one', { age: 36 }, { returnNew: true, returnOld: true });
    expect(updated).toMatchObject({ _key: 'one', old: { name: 'Ada' }, new: { name: 'Ada', age: 36 } });
    await j.replicated();
    expect(await j.remoteClient.getDocument('docs', 'one')).toMatchObject({ name: 'Ada', age: 36 });

    await j.client.replaceDocument('docs', 'one', { name: 'Grace' });
    const replaced = await j.client.getDocument('docs', 'one');
    expect(replaced).toMatchObject({ name: 'Grace' });
    expect(replaced).not.toHaveProperty('age');
    const stale = await rejection(j.client.updateDocument('docs', 'one', { x: 1 }, { rev: meta._rev }));
    expect(stale).toMatchObject({ name: 'C8Error', statusCode: 412, errorNum: 1200 });
    await j.replicated();
    expect(await j.remoteClient.getDocument('docs', 'one')).toEqual(replaced);

    expect(await j.client.deleteDocument('docs', 'one')).toMatchObject({ _key: 'one', _id: 'docs/one' });
    expect(await j.client.getDocument('docs', 'one', true)).toBeNull();
    await j.replicated();
    expect(await j.remoteClient.getDocument('docs', 'one', true)).toBeNull();
  });

  it('insert, get, update, replace and delete many documents; the other region holds the same set', async () => {
    await j.client.createCollection('many');
    const inserted = (await j.client.insertDocumentMany('many', [{ _key: 'a', n: 1 }, { _key: 'b', n: 2 }, { _key: 'c', n: 3 }])) as { _key: string }[];
    expect(inserted.map((m) => m._key)).toEqual(['a', 'b', 'c']);
    const all = (await j.client.getDocumentMany('many')) as { _key: string; n: number }[];
    expect(all.map((d) => [d._key, d.n]).sort()).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(((await j.client.getDocumentMany('many', 1, 1)) as unknown[]).length).toBe(1);

    await j.client.updateDocumentMany('many', [{ _key: 'a', n: 10 }, { _key: 'b', n: 20 }]);
    await j.client.replaceDocumentMany('many', [{ _key: 'c', m: 30 }]);
    const sorted = async (c: typeof j.client) => ((await c.getDocumentMany('many')) as Record<string, unknown>[]).map(({ _key, n, m }) => ({ _key, n, m })).sort((x, y) => String(x._key).localeCompare(String(y._key)));
    const expected = [{ _key: 'a', n: 10, m: undefined }, { _key: 'b', n: 20, m: undefined }, { _key: 'c', n: undefined, m: 30 }];
    expect(await sorted(j.client)).toEqual(expected);
    await j.replicated();
    expect(await sorted(j.remoteClient)).toEqual(expected);

    const deleted = (await j.client.deleteDocumentMany('many', ['a', 'b'])) as { _key: string }[];
    expect(deleted.map((d) => d._key)).toEqual(['a', 'b']);
    await j.replicated();
    expect((await sorted(j.remoteClient)).map((d) => d._key)).toEqual(['c']);
  });

  it('a many-insert reports a duplicate per document, as GDN does, without failing the others', async () => {
    const out = (await j.client.insertDocumentMany('many', [{ _key: 'c' }, { _key: 'd' }])) as Record<string, unknown>[];
    expect(out[0]).toMatchObject({ error: true, errorNum: 1210 });
    expect(out[1]).toMatchObject({ _key: 'd' });
  });
});
