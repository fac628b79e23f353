import { afterEach, describe, expect, it } from 'vitest';
import { launchFabric, type LocalFabric as Fabric } from '../../src/fabric/local-fabric.js';
import { startFabric, type Fabric as ThreadedFabric } from '../../src/index.js';
import { INDEX_OFFLOAD_DOCUMENTS } from '../../src/region/region.js';
import { call, get, post, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

async function started(): Promise<Fabric> {
  fabric = await launchFabric({ topology: testTopology({ regions: 3 }), latency: false });
  useCredentials(fabric);
  return fabric;
}

const url = (f: Fabric, region: string) => f.region(region).url();

describe('geo-fabrics across PoPs', () => {
  it("a fabric's data never appears at a region outside its dcList, which answers 404/1228 naming the regions that hold it", async () => {
    const f = await started();
    expect((await post(`${url(f, 'r-east')}/_api/database`, { name: 'pair', options: { dcList: 'r-east,r-eu' } })).status).toBe(201);
    await f.waitForReplication();
    expect((await post(`${url(f, 'r-eu')}/_fabric/pair/_api/collection`, { name: 'c' })).status).toBe(200);
    await f.waitForReplication();
    expect((await post(`${url(f, 'r-east')}/_fabric/pair/_api/document/c`, { _key: 'k', v: 1 })).status).toBe(202);
    await f.waitForReplication();
    expect((await get(`${url(f, 'r-eu')}/_fabric/pair/_api/document/c/k`)).body.v).toBe(1);
    // The fabric itself is known everywhere, its data only where it lives.
    expect((await get(`${url(f, 'r-ap')}/_api/database`)).body.result).toEqual(['_system', 'pair']);
    const away = await get(`${url(f, 'r-ap')}/_fabric/pair/_api/document/c/k`);
    expect(away.body).toMatchObject({ code: 404, errorNum: 1228 });
    expect(away.body.errorMessage).toContain('r-east, r-eu');
    // r-ap's replica holds none of it: not the collection, not the document, not even a hidden row.
    const ap = f.region('r-ap').storage;
    expect(ap.db.prepare("SELECT COUNT(*) FROM collections WHERE fabric = '_mm/pair'").pluck().get()).toBe(0);
    expect(ap.db.prepare("SELECT COUNT(*) FROM documents WHERE key = 'k'").pluck().get()).toBe(0);
    // It stays in step with both origins all the same: their frames covered the changes it may not hold.
    for (const from of ['r-east', 'r-eu']) {
      const link = f.region(from).replicator.status().outgoing.find((o) => o.to === 'r-ap')!;
      expect(link.acked, from).toBe(link.lastSeq);
    }
  });

  it('dropping a fabric removes its data at every region of its dcList', async () => {
    const f = await started();
    await post(`${url(f, 'r-east')}/_api/database`, { name: 'gone', options: { dcList: 'r-east,r-eu,r-ap' } });
    await f.waitForReplication();
    await post(`${url(f, 'r-ap')}/_fabric/gone/_api/collection`, { name: 'c' });
    await post(`${url(f, 'r-ap')}/_fabric/gone/_api/document/c`, { _key: 'k' });
    await f.waitForReplication();
    expect((await call('DELETE', `${url(f, 'r-eu')}/_api/database/gone`)).status).toBe(200);
    await f.waitForReplication();
    await post(`${url(f, 'r-east')}/_api/database`, { name: 'gone', options: {} });
    await f.waitForReplication();
    for (const r of ['r-east', 'r-eu', 'r-ap']) expect((await get(`${url(f, r)}/_fabric/gone/_api/collection`)).body.result, r).toEqual([]);
  });

  it('a key made at one region works at another only once the change has replicated', async () => {
    const f = await started();
    await f.setLink('r-east', 'r-eu', { cut: true });
    const made = await post(`${url(f, 'r-east')}/_api/key`, { keyid: 'travel' });
    expect(made.status).toBe(201);
    const withKey = { authorization: `apikey ${made.body.key}` };
    expect((await call('GET', `${url(f, 'r-east')}/_api/collection`, undefined, withKey)).status).toBe(200);
    expect((await call('GET', `${url(f, 'r-eu')}/_api/collection`, undefined, withKey)).status).toBe(401);
    await f.heal();
    await f.waitForReplication();
    expect((await call('GET', `${url(f, 'r-eu')}/_api/collection`, undefined, withKey)).status).toBe(200);
    // A JWT issued at one PoP is accepted at every other: they share the fabric secret.
    const login = await call('POST', `${url(f, 'r-ap')}/_open/auth`, { email: f.credentials.email, password: f.credentials.password }, { authorization: '' });
    expect((await call('GET', `${url(f, 'r-east')}/_api/collection`, undefined, { authorization: `bearer ${login.body.jwt}` })).status).toBe(200);
  });
});

describe('geo-fabrics and the query executor', () => {
  let threaded: ThreadedFabric | undefined;
  afterEach(async () => {
    await threaded?.close();
    threaded = undefined;
  });

  it('a replicated batch that builds an index over a large collection applies in the executor, past the changes of a fabric not held there, and the PoP then knows the keys it carried', async () => {
    // startFabric: every PoP on a thread of its own, with its query executor.
    const f = (threaded = await startFabric({ topology: testTopology({ regions: 3 }), latency: false }));
    useCredentials(f);
    const at = (region: string) => f.region(region).url();
    expect((await post(`${at('r-east')}/_api/database`, { name: 'pair', options: { dcList: 'r-east,r-eu' } })).status).toBe(201);
    expect((await post(`${at('r-east')}/_fabric/pair/_api/collection`, { name: 'c' })).status).toBe(200);
    expect((await post(`${at('r-east')}/_api/collection`, { name: 'big' })).status).toBe(200);
    const docs = Array.from({ length: INDEX_OFFLOAD_DOCUMENTS + 10 }, (_v, i) => ({ _key: `k${i}`, email: `u${i}@x` }));
    expect((await post(`${at('r-east')}/_api/document/big`, docs)).status).toBe(202);
    await f.waitForReplication({ timeoutMs: 60_000 });
    // Held back from r-ap, so that one frame carries both: a change of `pair` (kept from r-ap) and the index.
    await f.partition([['r-east', 'r-eu'], ['r-ap']]);
    expect((await post(`${at('r-east')}/_fabric/pair/_api/document/c`, { _key: 'p' })).status).toBe(202);
    const made = await post(`${at('r-east')}/_api/key`, { keyid: 'crossing' });
    expect(made.status).toBe(201);
    expect((await post(`${at('r-east')}/_api/index/persistent?collection=big`, { fields: ['email'], unique: true })).status).toBe(201);
    await f.heal();
    await f.waitForReplication({ timeoutMs: 60_000 });
    // The key came in the batch the executor applied: the PoP knows it afterwards.
    expect((await call('GET', `${at('r-ap')}/_api/collection`, undefined, { authorization: `apikey ${made.body.key}` })).status).toBe(200);
    const indexes = await get(`${at('r-ap')}/_api/index?collection=big`);
    expect(indexes.body.indexes.map((i: { type: string }) => i.type)).toEqual(['primary', 'persistent']);
    expect((await post(`${at('r-ap')}/_api/document/big`, { email: 'u1@x' })).body).toMatchObject({ errorNum: 1210 });
    expect((await get(`${at('r-ap')}/_fabric/pair/_api/document/c/p`)).body).toMatchObject({ code: 404, errorNum: 1228 });
  }, 120_000);
});
