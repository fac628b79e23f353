import { afterEach, describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's geo-fabric calls, unchanged: the throw-away fabric most jsC8 apps start with. */
const j = useJsc8();
afterEach(() => {
  j.client.useFabric('_system');
  j.remoteClient.useFabric('_system');
});

describe('jsc8@1.1.0 geo-fabrics', () => {
  it('createFabric with a dcList of both regions, useFabric, data there replicates to the other region, dropFabric removes it everywhere', async () => {
    const dcList = `${j.local},${j.remote}`;
    expect(await j.client.createFabric('shop', [], { dcList, metadata: { owner: 'ci' } })).toMatchObject({ error: false, result: true });
    expect(await j.client.listFabrics()).toEqual(expect.arrayContaining(['_system', 'shop']));
    const user = (await j.client.listUserFabrics()) as { name: string; options: { dcList: string } }[];
    expect(user.find((f) => f.name === 'shop')?.options.dcList.split(',').sort()).toEqual([j.local, j.remote].sort());

    j.client.useFabric('shop');
    expect(j.client.name).toBe('shop');
    expect((await j.client.get()).name).toBe('shop');
    expect(await j.client.getGeoFabricMetaData()).toMatchObject({ result: { name: 'shop', options: { metadata: { owner: 'ci' } } } });
    await j.client.updateMetaDataForGeoFabric({ stage: 'test' });
    expect((await j.client.getGeoFabricMetaData()).result.options.metadata).toEqual({ owner: 'ci', stage: 'test' });
    await j.client.setMetaDataForGeoFabric({ only: 1 });
    expect((await j.client.getGeoFabricMetaData()).result.options.metadata).toEqual({ only: 1 });
    await j.client.createCollection('orders');
    await j.client.insertDocument('orders', { _key: 'o1', total: 12 });
    expect((await j.client.getCollections()).map((c: { name: string }) => c.name)).toEqual(['orders']);

    await j.replicated();
    j.remoteClient.useFabric('shop');
    expect(await j.remoteClient.getDocument('orders', 'o1')).toMatchObject({ total: 12 });
    expect((await j.remoteClient.getGeoFabricMetaData()).result.options.metadata).toEqual({ only: 1 });
    j.remoteClient.useFabric('_system');
    expect(await j.remoteClient.hasCollection('orders')).toBe(false);

    j.client.useFabric('_system');
    expect(await j.client.dropFabric('shop')).toMatchObject({ error: false, result: true });
    expect(await j.client.listFabrics()).not.toContain('shop');
    await j.replicated();
    expect(await j.remoteClient.listFabrics()).not.toContain('shop');
    j.remoteClient.useFabric('shop');
    expect(await j.remoteClient.exists()).toBe(false);
    j.remoteClient.useFabric('_system');
  });

  it("a fabric held by one region answers 1228 at the other, and its data never arrives there", async () => {
    await j.client.createFabric('local_only', [], { dcList: j.local });
    j.client.useFabric('local_only');
    await j.client.createCollection('notes');
    await j.client.insertDocument('notes', { _key: 'n1', text: 'stays here' });
    await j.replicated();
    expect(await j.remoteClient.listFabrics()).toContain('local_only');
    j.remoteClient.useFabric('local_only');
    expect(await rejection(j.remoteClient.getDocument('notes', 'n1'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1228 });
    expect(await j.remoteClient.exists()).toBe(false);
    j.remoteClient.useFabric('_system');
    expect(await j.client.getDocument('notes', 'n1')).toMatchObject({ text: 'stays here' });
    j.client.useFabric('_system');
    await j.client.dropFabric('local_only');
  });

  it('refuses bad names, taken names and creating a fabric from inside another', async () => {
    expect(await rejection(j.client.createFabric('9bad', [], { dcList: j.local }))).toMatchObject({ name: 'C8Error', statusCode: 400, errorNum: 1229 });
    await j.client.createFabric('taken', [], { dcList: j.local });
    expect(await rejection(j.client.createFabric('taken', [], { dcList: j.local }))).toMatchObject({ statusCode: 409, errorNum: 1207 });
    j.client.useFabric('taken');
    expect(await rejection(j.client.createFabric('nested', [], { dcList: j.local }))).toMatchObject({ statusCode: 403, errorNum: 1230 });
    j.client.useFabric('_system');
    expect(await rejection(j.client.dropFabric('_system'))).toMatchObject({ name: 'C8Error', statusCode: 403 });
    await j.client.dropFabric('taken');
  });
});
