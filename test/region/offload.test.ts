import { afterEach, describe, expect, it } from 'vitest';
import { createRegion, type Region } from '../../src/region/region.js';
import { INDEX_OFFLOAD_DOCUMENTS } from '../../src/region/region.js';
import { testTopology } from '../helpers/topology.js';

// The query executor runs dist/region/executor-worker.js: `npm test` builds dist first.

const SLOW = 'FOR i IN 1..100000 FOR j IN 1..100000 FILTER i < 0 RETURN i';

let region: Region | undefined;
afterEach(async () => {
  await region?.close();
  region = undefined;
});

function offloadingRegion(): Region {
  const topology = testTopology({ accessMs: 0 });
  region = createRegion({ topology, name: 'r-east', dataDir: undefined, latency: false, host: '127.0.0.1', secret: 'x'.repeat(32), offload: true, warn: () => undefined });
  return region;
}

const cursor = (r: Region, query: string, options: Record<string, unknown> = {}) =>
  r.app.inject({ method: 'POST', url: '/_api/cursor', payload: { query, options } });

/** Waits until the PoP lists a running query, and returns it. */
async function listed(r: Region): Promise<{ id: string; query: string; state: string }> {
  for (;;) {
    const res = await r.app.inject({ method: 'GET', url: '/_api/query/current' });
    const list = res.json() as { id: string; query: string; state: string }[];
    if (list.length > 0) return list[0]!;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('queries and index builds off the PoP loop', () => {
  it('runs a long query in the executor: the PoP keeps answering, lists it, and kills it with 1500', async () => {
    const r = offloadingRegion();
    let done = false;
    const running = cursor(r, SLOW).then((res) => {
      done = true;
      return res;
    });
    const q = await listed(r);
    expect(q).toMatchObject({ query: SLOW, state: 'executing' });
    const version = await r.app.inject({ method: 'GET', url: '/_api/version' });
    expect(version.statusCode).toBe(200);
    expect(done).toBe(false);
    const killed = await r.app.inject({ method: 'DELETE', url: `/_api/query/${q.id}` });
    expect(killed.statusCode).toBe(200);
    const res = await running;
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ errorNum: 1500, errorMessage: 'query killed' });
    expect((await r.app.inject({ method: 'DELETE', url: `/_api/query/${q.id}` })).json()).toMatchObject({ errorNum: 1591 });
  });

  it('honours options.maxRuntime in the executor', async () => {
    const res = await cursor(offloadingRegion(), SLOW, { maxRuntime: 0.2 });
    expect(res.statusCode).toBe(410);
    expect(res.json().errorMessage).toContain('0.2 s');
  });

  it('gives a long query its full result from the executor, and its writes reach the change log', async () => {
    const r = offloadingRegion();
    await r.app.inject({ method: 'POST', url: '/_api/collection', payload: { name: 'c' } });
    const before = r.storage.changes.lastSeq();
    const inserted = cursor(r, 'FOR i IN 1..10000 INSERT { i } INTO c RETURN NEW.i');
    // A REST write while the executor holds the write lock waits for it, and then lands.
    await listed(r);
    const single = await r.app.inject({ method: 'POST', url: '/_api/document/c', payload: { _key: 'rest' } });
    expect(single.statusCode).toBe(202);
    const res = await inserted;
    expect(res.statusCode).toBe(201);
    expect(res.json().extra.stats.writesExecuted).toBe(10000);
    const count = await r.app.inject({ method: 'GET', url: '/_api/collection/c/count' });
    expect(count.json().count).toBe(10001);
    expect(r.storage.changes.lastSeq()).toBe(before + 10001);
    const keys = r.storage.changes.since(before, 40000).map((e) => e.key);
    expect(keys[keys.length - 1]).toBe('rest');
  });

  it('builds an index over a large collection in the executor; the PoP then knows it and enforces it', async () => {
    const r = offloadingRegion();
    await r.app.inject({ method: 'POST', url: '/_api/collection', payload: { name: 'big' } });
    const n = INDEX_OFFLOAD_DOCUMENTS + 100;
    const docs = Array.from({ length: n }, (_v, i) => ({ _key: `k${i}`, email: `u${i}@x` }));
    expect((await r.app.inject({ method: 'POST', url: '/_api/document/big', payload: docs })).statusCode).toBe(202);
    const created = await r.app.inject({ method: 'POST', url: '/_api/index/persistent?collection=big', payload: { fields: ['email'], unique: true } });
    expect(created.statusCode).toBe(201);
    const list = await r.app.inject({ method: 'GET', url: '/_api/index?collection=big' });
    expect(list.json().indexes.map((i: { type: string }) => i.type)).toEqual(['primary', 'persistent']);
    const dup = await r.app.inject({ method: 'POST', url: '/_api/document/big', payload: { email: 'u1@x' } });
    expect(dup.json()).toMatchObject({ errorNum: 1210 });
    expect(r.storage.changes.since(0, 1e6).some((e) => e.op === 'index.create')).toBe(true);
  });
});
