import { afterEach, describe, expect, it } from 'vitest';
import { entryProblem } from '../../src/replication/entry-check.js';
import { launchFabric, type LocalFabric as Fabric } from '../../src/fabric/local-fabric.js';
import { del, get, post, put, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';
import { fabricKey } from '../../src/core/scope.js';

/** The default tenant's `_system`, as storage keys it. */
const FABRIC = fabricKey('_mm', '_system');

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

const kv = (f: Fabric, region: string) => `${f.region(region).url()}/_fabric/_system/_api/kv`;

describe('KV collections across PoPs', () => {
  it('replicate like document collections: create, upsert, delete, truncate and drop reach every PoP', async () => {
    const f = (fabric = await launchFabric({ topology: testTopology({ regions: 3 }), latency: false }));
    useCredentials(f);
    expect((await post(`${kv(f, 'r-east')}/cart?expiration=true&group=true`, { stream: false, waitForSync: false })).status).toBe(200);
    const value = { items: [{ sku: 'A-1', qty: 2, price: 19.99 }], note: 'ça marche 👍', total: 39.98 };
    await put(`${kv(f, 'r-east')}/cart/value`, [{ _key: 'u1', value, groupID: 'eu' }, { _key: 'u2', value: 2, groupID: 'us' }, { _key: 'u3', value: 3 }]);
    await put(`${kv(f, 'r-eu')}/cart/value`, []);
    await f.waitForReplication();
    for (const r of ['r-eu', 'r-ap']) {
      expect((await get(`${kv(f, r)}`)).body.result).toEqual([{ name: 'cart', expiration: true }]);
      expect((await get(`${kv(f, r)}/cart/value/u1`)).body).toMatchObject({ _key: 'u1', value, groupID: 'eu' });
      expect((await get(`${kv(f, r)}/cart/count?groupID=us`)).body.count).toBe(1);
    }
    await del(`${kv(f, 'r-eu')}/cart/value/u2`);
    await put(`${kv(f, 'r-ap')}/cart/truncate?groupID=eu`);
    await f.waitForReplication();
    for (const r of f.regions) expect((await get(`${kv(f, r.name)}/cart/keys`)).body.result).toEqual(['u3']);
    await put(`${kv(f, 'r-ap')}/cart/truncate`);
    await f.waitForReplication();
    for (const r of f.regions) expect((await get(`${kv(f, r.name)}/cart/count`)).body.count).toBe(0);
    await del(`${kv(f, 'r-east')}/cart`);
    await f.waitForReplication();
    for (const r of f.regions) expect((await get(`${kv(f, r.name)}`)).body.result).toEqual([]);
  });

  it('advancing the clock through /_emu/clock expires pairs on every PoP, and each removal is in the change log', async () => {
    const f = (fabric = await launchFabric({ topology: testTopology({ regions: 3 }), latency: false }));
    useCredentials(f);
    await post(`${kv(f, 'r-east')}/sessions?expiration=true`);
    const now = Math.floor((await get(`${f.globalUrl()}/_emu/clock`)).body.now / 1000);
    await put(`${kv(f, 'r-east')}/sessions/value`, [{ _key: 's1', value: 'a', expireAt: now + 600 }, { _key: 's2', value: 'b', expireAt: now + 7200 }]);
    await f.waitForReplication();
    const seqs = f.regions.map((r) => r.storage.changes.lastSeq());
    expect((await post(`${f.globalUrl()}/_emu/clock`, { advance: '11m' })).status).toBe(200);
    // No waiting: the advance itself made every PoP's clock pass expireAt.
    for (const r of f.regions) {
      expect((await get(`${kv(f, r.name)}/sessions/value/s1`)).status).toBe(404);
      expect((await get(`${kv(f, r.name)}/sessions/keys`)).body.result).toEqual(['s2']);
      expect((await post(`${r.url()}/_fabric/_system/_api/cursor`, { query: 'FOR s IN sessions RETURN s._key' })).body.result).toEqual(['s2']);
    }
    await f.waitForReplication();
    f.regions.forEach((r, i) => {
      const removals = r.storage.changes.since(seqs[i]!, 100).filter((e) => e.op === 'remove');
      for (const e of removals) expect(entryProblem(e)).toBeUndefined();
      expect(removals.map((e) => [e.key, JSON.parse(e.payload!).expired !== undefined])).toEqual([['s1', true]]);
      const stored = r.storage.db.prepare("SELECT deleted FROM documents WHERE key = 's1'").pluck().get();
      expect(stored).toBe(1);
    });
  });

  it('a pair written again after its expiry at one PoP outlives the late sweep of another that had not seen it', async () => {
    const f = (fabric = await launchFabric({ topology: testTopology({ regions: 2 }), latency: false }));
    useCredentials(f);
    await post(`${kv(f, 'r-east')}/sessions?expiration=true`);
    const now = Math.floor((await f.clock()).now / 1000);
    await put(`${kv(f, 'r-east')}/sessions/value`, [{ _key: 'u', value: 'first login', expireAt: now + 60 }]);
    await f.waitForReplication();
    // r-east is down while the pair expires, so it sweeps only after r-eu wrote the key again.
    await f.partition([['r-east'], ['r-eu']]);
    await f.kill('r-east');
    await f.clock({ advance: 120_000 });
    await put(`${kv(f, 'r-eu')}/sessions/value`, [{ _key: 'u', value: 'second login', expireAt: now + 3600 }]);
    await f.restart('r-east');
    await f.clock({ advance: 5_000 });
    const east = f.regions[0]!.storage;
    await east.committed();
    expect(east.changes.since(0, 100).filter((e) => e.op === 'remove').map((e) => e.key)).toEqual(['u']);
    await f.heal();
    await f.waitForReplication();
    for (const r of ['r-east', 'r-eu']) expect((await get(`${kv(f, r)}/sessions/value/u`)).body).toMatchObject({ value: 'second login' });
  });
});

describe('the check of replicated KV changes', () => {
  const removal = (payload: string | null) => ({ seq: 1, origin: 'r-east', hlc: '_0mwx9rnw10000', op: 'remove' as const, fabric: FABRIC, collection: 'kv', key: 'k', payload, at: 0 });

  it('takes a removal with no payload or the version an expiry removed, and refuses anything else', () => {
    expect(entryProblem(removal(null))).toBeUndefined();
    expect(entryProblem(removal('{"expired":"_0mwx9rnv10000|r-eu"}'))).toBeUndefined();
    for (const bad of ['{}', '{"expired":"yesterday"}', '{"expired":"_0mwx9rnv10000|r eu"}', '{"expired":"_0mwx9rnv10000|r-eu","more":1}', '[]']) {
      expect([bad, entryProblem(removal(bad))]).toEqual([bad, expect.stringContaining('remove payload')]);
    }
  });

  it('takes kv props on a collection create and refuses malformed ones', () => {
    const props = { waitForSync: false, hasStream: false, cacheEnabled: false, isSystem: false, strongConsistency: false, keyOptions: { type: 'traditional', allowUserKeys: true, increment: 1, offset: 0, lastValue: 0 } };
    const create = (p: unknown) => ({ ...removal(null), op: 'collection.create' as const, key: null, payload: JSON.stringify({ type: 2, props: p }) });
    expect(entryProblem(create({ ...props, kv: { expiration: true, group: false } }))).toBeUndefined();
    expect(entryProblem(create({ ...props, kv: { expiration: 'yes', group: false } }))).toContain('kv.expiration');
  });
});
