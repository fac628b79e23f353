import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's saved queries (RESTQL): create, list, execute, update and delete, and their replicas at the other region. */
const j = useJsc8();

describe('jsc8@1.1.0 RESTQL', () => {
  it('createRestql, getRestqls, executeRestql with bind variables over several batches, here and at the other region', async () => {
    await j.client.createCollection('cities');
    await j.client.insertDocumentMany('cities', Array.from({ length: 150 }, (_, i) => ({ _key: `c${i}`, pop: i })));
    const made = await j.client.createRestql('bigCities', 'FOR c IN cities FILTER c.pop >= @min SORT c.pop RETURN c.pop', { min: 0 });
    expect(made).toMatchObject({ error: false, result: { name: 'bigCities', value: 'FOR c IN cities FILTER c.pop >= @min SORT c.pop RETURN c.pop' } });
    const list = (await j.client.getRestqls()).result as { name: string; value: string; parameter: unknown }[];
    expect(list.map((q) => q.name)).toEqual(['bigCities']);

    const first = await j.client.executeRestql('bigCities', { min: 10 });
    // GDN's RESTQL cursor id is an integer (spec §7), unlike a C8QL cursor's string.
    expect(first).toMatchObject({ error: false, code: 201, hasMore: true, id: expect.any(Number) });
    const all = [...first.result];
    for (let page = first; page.hasMore; ) {
      page = await j.client.getNextBatchFromCursor(page.id);
      all.push(...page.result);
    }
    expect(all).toEqual(Array.from({ length: 140 }, (_, i) => i + 10));

    await j.replicated();
    expect(((await j.remoteClient.getRestqls()).result as { name: string }[]).map((q) => q.name)).toEqual(['bigCities']);
    expect((await j.remoteClient.executeRestql('bigCities', { min: 148 })).result).toEqual([148, 149]);
  });

  it('updateRestql changes the query at both regions; deleteRestql removes it at both', async () => {
    await j.client.updateRestql('bigCities', 'FOR c IN cities FILTER c.pop < @max RETURN c._key', { max: 0 });
    expect((await j.client.executeRestql('bigCities', { max: 2 })).result.sort()).toEqual(['c0', 'c1']);
    await j.replicated();
    expect((await j.remoteClient.executeRestql('bigCities', { max: 1 })).result).toEqual(['c0']);

    expect(await j.client.deleteRestql('bigCities')).toMatchObject({ error: false });
    expect((await j.client.getRestqls()).result).toEqual([]);
    expect(await rejection(j.client.executeRestql('bigCities'))).toMatchObject({ name: 'C8Error', statusCode: 404 });
    await j.replicated();
    expect((await j.remoteClient.getRestqls()).result).toEqual([]);
  });

  it('a duplicate name is a C8Error 409, and a saved query that does not parse is refused', async () => {
    await j.client.createRestql('once', 'RETURN 1');
    expect(await rejection(j.client.createRestql('once', 'RETURN 2'))).toMatchObject({ name: 'C8Error', statusCode: 409 });
    expect(await rejection(j.client.createRestql('broken', 'RETRN 1'))).toMatchObject({ name: 'C8Error', statusCode: 400, errorNum: 1501 });
  });
});
