import { afterEach, describe, expect, it } from 'vitest';
import { INDEX_OFFLOAD_DOCUMENTS } from '../../src/region/region.js';
import { testRegion, type TestClient, type TestRegion } from '../helpers/client.js';
import { testTopology } from '../helpers/topology.js';

const SLOW = 'FOR i IN 1..100000 FOR j IN 1..100000 FILTER i < 0 RETURN i';

let region: TestRegion | undefined;
afterEach(async () => {
  await region?.close();
  region = undefined;
});

const OTHER_KEY = 'other_tenant.ci.0123456789abcdefXYZ';

async function offloadingRegion(): Promise<TestRegion> {
  const topology = { ...testTopology({ accessMs: 0 }), tenants: [{ name: 'other_tenant', users: [{ username: 'root', password: 'other-pass', apiKey: OTHER_KEY }] }] };
  region = await testRegion({ topology, name: 'r-east', offload: true });
  return region;
}

const cursor = (c: TestClient, query: string, options: Record<string, unknown> = {}) => c.post('/_api/cursor', { query, options });

/** Waits until the PoP lists a running query, and returns it. */
async function listed(c: TestClient): Promise<{ id: string; query: string; state: string; database: string; user: string }> {
  for (;;) {
    const list = (await c.get('/_api/query/current')).body as { id: string; query: string; state: string; database: string; user: string }[];
    if (list.length > 0) return list[0]!;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('queries and index builds off the PoP loop', () => {
  it('runs a long query in the executor: the PoP keeps answering, lists it, and kills it with 1500', async () => {
    const c = (await offloadingRegion()).client;
    let done = false;
    const running = cursor(c, SLOW).then((res) => {
      done = true;
      return res;
    });
    const q = await listed(c);
    expect(q).toMatchObject({ query: SLOW, state: 'executing', database: '_system', user: 'root' });
    expect((await c.get('/_api/version')).status).toBe(200);
    expect(done).toBe(false);
    expect((await c.delete(`/_api/query/${q.id}`)).status).toBe(200);
    const res = await running;
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ errorNum: 1500, errorMessage: 'query killed' });
    expect((await c.delete(`/_api/query/${q.id}`)).body).toMatchObject({ errorNum: 1591 });
  });

  it("another tenant neither sees nor kills a tenant's running query", async () => {
    const c = (await offloadingRegion()).client;
    const other = c.as(`apikey ${OTHER_KEY}`);
    const running = cursor(c, SLOW, { maxRuntime: 3 });
    const q = await listed(c);
    expect((await other.get('/_api/query/current')).body).toEqual([]);
    expect((await other.delete(`/_api/query/${q.id}`)).body).toMatchObject({ errorNum: 1591 });
    // It ran until its own time limit, not until a kill.
    expect((await running).body).toMatchObject({ errorNum: 1500 });
    expect((await running).body.errorMessage).toContain('time limit');
  });

  it('honours options.maxRuntime in the executor', async () => {
    const res = await cursor((await offloadingRegion()).client, SLOW, { maxRuntime: 0.2 });
    expect(res.status).toBe(410);
    expect(res.body.errorMessage).toContain('0.2 s');
  });

  it('gives a long query its full result from the executor, and its writes reach the change log', async () => {
    const t = await offloadingRegion();
    const c = t.client;
    await c.post('/_api/collection', { name: 'c' });
    const before = t.region.storage.changes.lastSeq();
    const inserted = cursor(c, 'FOR i IN 1..10000 INSERT { i } INTO c RETURN NEW.i');
    // A REST write while the executor holds the write lock waits for it, and then lands.
    await listed(c);
    expect((await c.post('/_api/document/c', { _key: 'rest' })).status).toBe(202);
    const res = await inserted;
    expect(res.status).toBe(201);
    expect(res.body.extra.stats.writesExecuted).toBe(10000);
    expect((await c.get('/_api/collection/c/count')).body.count).toBe(10001);
    expect(t.region.storage.changes.lastSeq()).toBe(before + 10001);
    const keys = t.region.storage.changes.since(before, 40000).map((e) => e.key);
    expect(keys[keys.length - 1]).toBe('rest');
  });

  it('builds an index over a large collection in the executor; the PoP then knows it and enforces it', async () => {
    const t = await offloadingRegion();
    const c = t.client;
    await c.post('/_api/collection', { name: 'big' });
    const n = INDEX_OFFLOAD_DOCUMENTS + 100;
    const docs = Array.from({ length: n }, (_v, i) => ({ _key: `k${i}`, email: `u${i}@x` }));
    expect((await c.post('/_api/document/big', docs)).status).toBe(202);
    expect((await c.post('/_api/index/persistent?collection=big', { fields: ['email'], unique: true })).status).toBe(201);
    const list = await c.get('/_api/index?collection=big');
    expect(list.body.indexes.map((i: { type: string }) => i.type)).toEqual(['primary', 'persistent']);
    expect((await c.post('/_api/document/big', { email: 'u1@x' })).body).toMatchObject({ errorNum: 1210 });
    expect(t.region.storage.changes.since(0, 1e6).some((e) => e.op === 'index.create')).toBe(true);
  });
});

/** Work before anything else that outlives the PoP's slice, so what follows it runs in the executor. */
const FIRST_SLOWLY = 'LET slow = (FOR i IN 1..50000 FOR j IN 1..10 FILTER i < 0 RETURN i)';

describe("the caller's access in the executor", () => {
  let t: TestRegion;
  /** An API key with ro on the `open` collection, none on `secret`, rw elsewhere. */
  let limited: TestClient;

  async function keyWith(keyid: string, grants: [string, string][]): Promise<TestClient> {
    const created = await t.client.post('/_api/key', { keyid });
    expect(created.status).toBe(201);
    for (const [path, grant] of grants) expect((await t.client.put(`/_api/key/${keyid}/database/${path}`, { grant })).status).toBe(200);
    return t.client.as(`apikey ${created.body.key}`);
  }

  const setUp = async () => {
    t = await offloadingRegion();
    for (const name of ['open', 'secret', 'free']) expect((await t.client.post('/_api/collection', { name })).status).toBe(200);
    expect((await t.client.post('/_api/document/secret', { _key: 's' })).status).toBe(202);
    limited = await keyWith('limited', [
      ['_system', 'rw'],
      ['_system/collection/open', 'ro'],
      ['_system/collection/secret', 'none'],
    ]);
  };

  it('an ro collection cannot be written by a query the executor took over, and nothing of it is kept', async () => {
    await setUp();
    const res = cursor(limited, `${FIRST_SLOWLY} INSERT { n: LENGTH(slow) } INTO free INSERT { n: LENGTH(slow) } INTO open`);
    expect(await listed(limited)).toMatchObject({ database: '_system', user: 'root' });
    const r = await res;
    expect(r.status).toBe(403);
    expect(r.body.errorMessage).toContain("read-only access to collection 'open'");
    expect((await t.client.get('/_api/collection/free/count')).body.count).toBe(0);
    expect((await t.client.get('/_api/collection/open/count')).body.count).toBe(0);
    // The same key writes what it may.
    expect((await cursor(limited, `${FIRST_SLOWLY} INSERT { n: LENGTH(slow) } INTO free`)).status).toBe(201);
    expect((await t.client.get('/_api/collection/free/count')).body.count).toBe(1);
  });

  it('a none collection does not exist for a query the executor took over; CURRENT_DATABASE() is the plain fabric name', async () => {
    await setUp();
    // DOCUMENT() with a name known only as the query runs: the executor's source decides.
    const lookup = `${FIRST_SLOWLY} RETURN [CURRENT_DATABASE(), LENGTH(slow), DOCUMENT(CONCAT("sec", "ret/s"))._key]`;
    const hidden = cursor(limited, lookup);
    expect(await listed(limited)).toMatchObject({ database: '_system' });
    expect((await hidden).body.result).toEqual([['_system', 0, null]]);
    const seen = cursor(t.client, lookup);
    await listed(t.client);
    expect((await seen).body.result).toEqual([['_system', 0, 's']]);
  });
});
