import { describe, expect, it } from 'vitest';
import { useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's edge collections: edges saved with _from/_to, read back and listed per vertex, here and at the other region. */
const j = useJsc8();

describe('jsc8@1.1.0 edges', () => {
  it('saves edges between vertices, reads them, and lists a vertex edges in, out and both ways at both regions', async () => {
    await j.client.createCollection('persons');
    await j.client.insertDocumentMany('persons', [{ _key: 'ann' }, { _key: 'bob' }, { _key: 'cy' }]);
    await j.client.createCollection('follows', {}, true);
    const edges = j.client.edgeCollection('follows');
    const e1 = await edges.save({ since: 2020 }, 'persons/ann', 'persons/bob');
    await edges.save({ _from: 'persons/bob', _to: 'persons/cy', since: 2021 });
    await j.client.insertDocument('follows', { _from: 'persons/cy', _to: 'persons/ann', since: 2022 });
    expect(await edges.edge(e1._key)).toMatchObject({ _from: 'persons/ann', _to: 'persons/bob', since: 2020 });

    const since = (list: { since: number }[]) => list.map((e) => e.since).sort();
    expect(since(await edges.outEdges('persons/bob'))).toEqual([2021]);
    expect(since(await edges.inEdges('persons/bob'))).toEqual([2020]);
    expect(since(await edges.edges('persons/bob'))).toEqual([2020, 2021]);
    expect(await j.client.executeQuery('FOR e IN follows FILTER e._from == @v RETURN e._to', { v: 'persons/cy' })).toEqual(['persons/ann']);

    await j.replicated();
    const there = j.remoteClient.edgeCollection('follows');
    expect(since(await there.edges('persons/ann'))).toEqual([2020, 2022]);
    expect(since(await there.inEdges('persons/ann'))).toEqual([2022]);
  });

  it('an edge needs _from and _to (400/1233), a document collection has no edges (400/1218), and deleting one reaches the other region', async () => {
    const edges = j.client.edgeCollection('follows');
    await expect(edges.save({ since: 1 })).rejects.toMatchObject({ name: 'C8Error', statusCode: 400, errorNum: 1233 });
    await expect(j.client.edgeCollection('persons').edges('persons/ann')).rejects.toMatchObject({ name: 'C8Error', statusCode: 400, errorNum: 1218 });
    const [first] = (await edges.outEdges('persons/ann')) as { _key: string }[];
    await j.client.deleteDocument('follows', first!._key);
    await j.replicated();
    expect(await j.remoteClient.edgeCollection('follows').outEdges('persons/ann')).toEqual([]);
  });
});
