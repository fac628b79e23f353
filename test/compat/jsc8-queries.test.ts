import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's C8QL calls: cursors over several batches, executeQuery, validateQuery, at two regions. */
const j = useJsc8();
const N = 250;

describe('jsc8@1.1.0 queries', () => {
  it('query() with a batchSize walks every batch with next(), hasNext() and all(); the other region answers the same once replicated', async () => {
    await j.client.createCollection('nums');
    await j.client.insertDocumentMany('nums', Array.from({ length: N }, (_, i) => ({ _key: `k${i}`, n: i })));
    const cursor = await j.client.query('FOR d IN nums SORT d.n RETURN d.n', {}, { batchSize: 40, count: true });
    expect(cursor.count).toBe(N);
    expect(cursor.hasNext()).toBe(true);
    const seen: number[] = [];
    for (let i = 0; i < 45; i++) seen.push(await cursor.next());
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i));
    const rest = await cursor.all();
    expect(rest).toEqual(Array.from({ length: N - 45 }, (_, i) => i + 45));
    expect(cursor.hasNext()).toBe(false);
    expect(await cursor.next()).toBeUndefined();

    await j.replicated();
    const there = await j.remoteClient.query('FOR d IN nums FILTER d.n % 2 == @odd SORT d.n RETURN d.n', { odd: 1 }, { batchSize: 25 });
    const odds = await there.all();
    expect(odds).toHaveLength(N / 2);
    expect(odds[0]).toBe(1);
    expect(odds.at(-1)).toBe(N - 1);
  });

  it('executeQuery returns every batch at once, with bind variables, including writes that replicate', async () => {
    expect(await j.client.executeQuery('FOR d IN nums FILTER d.n < @lim SORT d.n DESC RETURN d._key', { lim: 3 })).toEqual(['k2', 'k1', 'k0']);
    const written = await j.client.executeQuery('FOR i IN 1..120 INSERT { _key: CONCAT("w", i), i } INTO nums RETURN NEW._key', {}, { batchSize: 50 });
    expect(written).toHaveLength(120);
    await j.replicated();
    expect(await j.remoteClient.executeQuery('RETURN LENGTH(FOR d IN nums FILTER d.i != null RETURN 1)')).toEqual([120]);
  });

  it('nextBatchFromCursor and deleteCursor by id; a deleted cursor is 404/1600', async () => {
    const cursor = await j.client.query('FOR d IN nums RETURN d._key', {}, { batchSize: 100 });
    const id = (cursor as { _id: string })._id;
    const second = await j.client.nextBatchFromCursor(id);
    expect(second).toMatchObject({ hasMore: true, id });
    expect(second.result).toHaveLength(100);
    await j.client.deleteCursor(id);
    expect(await rejection(j.client.nextBatchFromCursor(id))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1600 });
  });

  it('validateQuery parses without running, and names a syntax error as GDN does', async () => {
    const ok = await j.client.validateQuery('FOR d IN nums FILTER d.n > @x RETURN d');
    expect(ok).toMatchObject({ error: false, parsed: true, bindVars: ['x'], collections: ['nums'] });
    expect(await rejection(j.client.validateQuery('FOR d IN nums RETRN d'))).toMatchObject({ name: 'C8Error', statusCode: 400, errorNum: 1501 });
    expect(await j.remoteClient.validateQuery('RETURN 1')).toMatchObject({ parsed: true });
  });
});
