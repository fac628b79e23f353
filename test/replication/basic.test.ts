import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { del, eventually, get, patch, post, put, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

const doc = (f: Fabric, region: string, key: string) => `${f.region(region).url()}/_fabric/_system/_api/document/c/${key}`;

describe('replication between PoPs', () => {
  it('replicates collection DDL and every kind of document write to every PoP', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
    useCredentials(fabric);
    const east = fabric.region('r-east').url();
    expect((await post(`${east}/_api/collection`, { name: 'c' })).status).toBe(200);
    await post(`${east}/_api/document/c`, [{ _key: 'a', v: 1 }, { _key: 'b', v: 1 }, { _key: 'gone' }]);
    await put(`${east}/_api/document/c/a`, { v: 2 });
    await patch(`${east}/_api/document/c/b`, { w: 3 });
    await del(`${east}/_api/document/c/gone`);
    await fabric.waitForReplication();
    for (const r of ['r-eu', 'r-ap']) {
      expect((await get(doc(fabric, r, 'a'))).body).toMatchObject({ v: 2 });
      expect((await get(doc(fabric, r, 'b'))).body).toMatchObject({ v: 1, w: 3 });
      expect((await get(doc(fabric, r, 'gone'))).status).toBe(404);
      expect((await get(`${fabric.region(r).url()}/_api/collection/c/count`)).body.count).toBe(2);
    }
    const revAtEast = (await get(doc(fabric, 'r-east', 'a'))).body._rev;
    expect((await get(doc(fabric, 'r-ap', 'a'))).body._rev).toBe(revAtEast);
    await put(`${east}/_api/collection/c/truncate`);
    await fabric.waitForReplication();
    expect((await get(`${fabric.region('r-eu').url()}/_api/collection/c/count`)).body.count).toBe(0);
    await del(`${east}/_api/collection/c`);
    await fabric.waitForReplication();
    expect((await get(`${fabric.region('r-ap').url()}/_api/collection/c`)).status).toBe(404);
  });

  it('after concurrent inserts in two regions, every PoP iterates the collection in the same order', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
    useCredentials(fabric);
    const [east, eu] = [fabric.region('r-east').url(), fabric.region('r-eu').url()];
    await post(`${east}/_api/collection`, { name: 'c' });
    await fabric.waitForReplication();
    await fabric.partition([['r-east'], ['r-eu', 'r-ap']]);
    for (let i = 0; i < 3; i++) {
      await post(`${east}/_api/document/c`, { _key: `east${i}`, n: i });
      await post(`${eu}/_api/document/c`, { _key: `eu${i}`, n: i });
    }
    await fabric.heal();
    await fabric.waitForReplication();
    const orders = await Promise.all(
      fabric.regions.map(async (r) => {
        const keys = (query: string) => post(`${r.url()}/_api/cursor`, { query }).then((res) => res.body.result);
        return [await keys('FOR d IN c RETURN d._key'), await keys('FOR d IN c FILTER d.n >= 0 RETURN d._key'), await keys('FOR d IN c LIMIT 6 RETURN d._key')];
      }),
    );
    expect(orders[0]![0]).toHaveLength(6);
    for (const o of orders) expect(o).toEqual([orders[0]![0], orders[0]![0], orders[0]![0]]);
  });

  it('never replicates isLocal collections', async () => {
    fabric = await startFabric({ topology: testTopology(), latency: false });
    useCredentials(fabric);
    const east = fabric.region('r-east').url();
    await post(`${east}/_api/collection`, { name: 'mine', isLocal: true });
    await post(`${east}/_api/document/mine`, { _key: 'k' });
    await post(`${east}/_api/collection`, { name: 'shared' });
    await fabric.waitForReplication();
    const eu = fabric.region('r-eu').url();
    expect((await get(`${eu}/_api/collection/shared`)).status).toBe(200);
    expect((await get(`${eu}/_api/collection/mine`)).status).toBe(404);
  });

  it('a write is invisible at a peer until the one-way latency has passed, then visible; the lag shows in status', async () => {
    fabric = await startFabric({ topology: testTopology({ linkMs: 2000, accessMs: 0 }), latency: true });
    useCredentials(fabric);
    const east = fabric.region('r-east').url();
    await post(`${east}/_api/collection`, { name: 'c' });
    await fabric.waitForReplication();
    const start = performance.now();
    await post(`${east}/_api/document/c`, { _key: 'late' });
    // One-way delay is 1000 ms; a read right after the write comes long before that.
    expect((await get(doc(fabric, 'r-eu', 'late'))).status).toBe(404);
    await eventually(async () => (await get(doc(fabric!, 'r-eu', 'late'))).status === 200);
    const visibleAfter = performance.now() - start;
    expect(visibleAfter).toBeGreaterThanOrEqual(999);
    const eastToEu = async () => (await fabric!.status()).links.find((l) => l.from === 'r-east' && l.to === 'r-eu')!;
    const link = await eastToEu();
    expect(link.lagP50Ms).toBeGreaterThanOrEqual(999);
    expect(link).toMatchObject({ state: 'open', rttMs: 2000, queueDepth: 0 });
    // The ack crosses the socket after r-eu committed, so r-east may learn it a moment after the write is readable there.
    await eventually(async () => {
      const l = await eastToEu();
      return l.acked === l.applied;
    });
  });
});
