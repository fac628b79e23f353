import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_OFFLOAD_DOCUMENTS } from '../../src/region/region.js';
import { startFabric, type Fabric } from '../../src/index.js';
import { get, post, useCredentials } from '../helpers/http.js';
import { StreamClient, streamUrl, unb64 } from '../helpers/streams.js';
import { testTopology } from '../helpers/topology.js';

/**
 * A replicated batch that holds an index build over a large collection is applied by the receiving
 * PoP's query executor (region.ts `applyElsewhere`), on a connection of its own. What the batch
 * changed besides must be as visible to the PoP afterwards as if the PoP had applied it itself: its
 * stream rows (a global stream created, a collection's change stream first written) and messages.
 */
let f: Fabric;
let east: string;
let eu: string;
const sockets: StreamClient[] = [];

beforeAll(async () => {
  // startFabric's PoP threads offload to an executor.
  f = await startFabric({ topology: testTopology(), latency: false });
  useCredentials(f);
  east = `${f.region('r-east').url()}/_fabric/_system`;
  eu = `${f.region('r-eu').url()}/_fabric/_system`;
}, 60_000);
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await f?.close();
});

describe('a replicated batch the query executor applied', () => {
  it("leaves the PoP's stream rows and change streams as fresh as a batch it applied itself", async () => {
    expect((await post(`${east}/_api/collection`, { name: 'big' })).status).toBe(200);
    const docs = Array.from({ length: INDEX_OFFLOAD_DOCUMENTS + 100 }, (_v, i) => ({ _key: `k${i}`, email: `u${i}@x` }));
    expect((await post(`${east}/_api/document/big`, docs)).status).toBe(202);
    expect((await post(`${east}/_api/collection`, { name: 'watched', stream: true })).status).toBe(200);
    await f.waitForReplication();

    // Held back by a partition, these reach r-eu in one batch with the index build.
    await f.partition([['r-east'], ['r-eu']]);
    expect((await post(`${east}/_api/streams/fresh?global=true`)).status).toBe(200);
    expect((await post(`${east}/_api/document/watched`, { _key: 'w1' })).status).toBe(202);
    expect((await post(`${east}/_api/index/persistent?collection=big`, { fields: ['email'] })).status).toBe(201);
    await f.heal();
    await f.waitForReplication();
    expect((await get(`${eu}/_api/index?collection=big`)).body.indexes.map((i: { type: string }) => i.type)).toEqual(['primary', 'persistent']);

    // The global stream the batch created is listed and served at r-eu.
    expect((await get(`${eu}/_api/streams?global=true`)).body.result.map((s: { topic: string }) => s.topic)).toEqual(['c8globals.fresh']);
    const fresh = await StreamClient.open(streamUrl(f.region('r-eu').url(), 'producer', 'c8globals.fresh'));
    sockets.push(fresh);
    fresh.send({ payload: 'x', context: '1' });
    expect((await fresh.count(1))[0]).toMatchObject({ result: 'ok' });

    // The change stream the batch's write started at r-eu takes r-eu's own writes after it.
    const changes = await StreamClient.open(streamUrl(f.region('r-eu').url(), 'consumer', 'watched', { subscription: 'subs', params: {} }));
    sockets.push(changes);
    expect((await post(`${eu}/_api/document/watched`, { _key: 'w2' })).status).toBe(202);
    expect(JSON.parse(unb64((await changes.count(1))[0].payload))).toMatchObject({ _key: 'w2' });
  });
});
