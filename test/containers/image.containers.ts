import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FabricEmuContainer, startFabricNetwork, type StartedFabricEmuContainer, type StartedFabricNetwork } from '../../src/testcontainers/index.js';
import { eventually } from '../helpers/http.js';
import { Jsc8 } from '../helpers/jsc8.js';
import { IMAGE } from './image.js';

async function call(method: string, url: string, apiKey: string | undefined, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `apikey ${apiKey}` } : {}) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}

describe('the image through the Testcontainers module: the whole fabric in one container', () => {
  let fabric: StartedFabricEmuContainer;
  beforeAll(async () => {
    fabric = await new FabricEmuContainer(IMAGE).withOptions({ latency: true }).start();
  }, 240_000);
  afterAll(async () => {
    await fabric?.stop();
  }, 60_000);

  it('a write at one region is read, replicated, at another; without the key it is refused', async () => {
    const key = fabric.credentials.apiKey;
    const west = fabric.regionUrl('gdn-us-west');
    const mumbai = fabric.regionUrl('gdn-ap-west');
    expect((await call('POST', `${west}/_fabric/_system/_api/collection`, key, { name: 'orders' })).status).toBe(200);
    expect((await call('POST', `${west}/_fabric/_system/_api/document/orders`, key, { _key: 'o1', total: 42 })).status).toBe(202);
    await eventually(async () => (await call('GET', `${mumbai}/_fabric/_system/_api/document/orders/o1`, key)).status === 200, 30_000);
    expect((await call('GET', `${mumbai}/_fabric/_system/_api/document/orders/o1`, key)).body.total).toBe(42);
    expect((await call('GET', `${mumbai}/_fabric/_system/_api/document/orders/o1`, undefined)).status).toBe(401);
  });

  it('jsC8 reaches it through the front door with the options the module gives', async () => {
    const client = new Jsc8({ ...(await fabric.jsc8Options('gdn-eu-central')) });
    await eventually(async () => (await client.getDocument('orders', 'o1').catch(() => undefined)) !== undefined, 30_000);
    expect((await client.getDocument('orders', 'o1')).total).toBe(42);
  });
});

describe('the image through the Testcontainers module: one container per region on a shared network', () => {
  let fabric: StartedFabricNetwork;
  beforeAll(async () => {
    fabric = await startFabricNetwork({ image: IMAGE });
  }, 400_000);
  afterAll(async () => {
    await fabric?.stop();
  }, 120_000);

  it('every region is its own container; a write at one is replicated to the others over the network', async () => {
    const key = fabric.credentials.apiKey;
    expect(Object.keys(fabric.containers).sort()).toEqual(['gdn-ap-west', 'gdn-eu-central', 'gdn-us-east', 'gdn-us-west']);
    expect(new Set(Object.values(fabric.containers).map((c) => c.getId())).size).toBe(4);
    const east = fabric.regionUrl('gdn-us-east');
    expect((await call('POST', `${east}/_fabric/_system/_api/collection`, key, { name: 'c' })).status).toBe(200);
    expect((await call('POST', `${east}/_fabric/_system/_api/document/c`, key, { _key: 'k', from: 'east' })).status).toBe(202);
    for (const region of ['gdn-us-west', 'gdn-eu-central', 'gdn-ap-west']) {
      await eventually(async () => (await call('GET', `${fabric.regionUrl(region)}/_fabric/_system/_api/document/c/k`, key)).status === 200, 30_000);
    }
  });
});
