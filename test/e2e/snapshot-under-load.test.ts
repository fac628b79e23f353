import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { post, useCredentials } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { testTopology } from '../helpers/topology.js';

const fabrics: Fabric[] = [];
/** Writers still running when a test fails part-way: they stop before the fabric closes under them. */
const running: { stop: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((w) => w.stop()));
  await Promise.all(fabrics.splice(0).map((f) => f.close()));
}, 60_000);

const WRITERS_PER_REGION = 4;

/** Keeps inserting documents at `region` until stopped; `acked` gets each key once its insert was answered 202. */
function writer(f: Fabric, region: string, acked: Set<string>) {
  let stop = false;
  let n = 0;
  const loop = async (w: number) => {
    while (!stop) {
      const key = `${region}-${w}-${n++}`;
      const r = await post(`${f.region(region).url()}/_fabric/_system/_api/document/c`, { _key: key, region });
      if (r.status !== 202) throw new Error(`insert ${key} at ${region}: ${r.status} ${JSON.stringify(r.body)}`);
      acked.add(key);
    }
  };
  const done = Promise.all(Array.from({ length: WRITERS_PER_REGION }, (_v, w) => loop(w)));
  const w = {
    done,
    stop: async () => {
      stop = true;
      await done;
    },
  };
  running.push(w);
  return w;
}

/** Resolves once `cond` holds; rejects as soon as a writer fails (it would never hold then). */
async function until(cond: () => boolean, writers: { done: Promise<unknown> }[]): Promise<void> {
  const met = (async () => {
    while (!cond()) await new Promise((r) => setTimeout(r, 10));
  })();
  await Promise.race([met, ...writers.map((w) => w.done.then(() => met))]);
}

async function keysAt(f: Fabric, region: string): Promise<string[]> {
  const r = await post(`${f.region(region).url()}/_fabric/_system/_api/cursor`, { query: 'FOR d IN c SORT d._key RETURN d._key', batchSize: 1000 });
  expect(r.status).toBe(201);
  const keys: string[] = [...r.body.result];
  let cursor = r.body;
  while (cursor.hasMore) {
    cursor = (await post(`${f.region(region).url()}/_fabric/_system/_api/cursor/${cursor.id}`, {})).body;
    keys.push(...cursor.result);
  }
  return keys;
}

describe('a snapshot under load (issue 12 must-show)', () => {
  it('taken while writes stream in at two regions, it holds every write acknowledged before it began, and the loaded fabric converges', async () => {
    const dir = tempDir('snap-load');
    // Real latency: while the snapshot is taken, writes of each region are still on their way to the others.
    const topology = testTopology({ regions: 3, linkMs: 120, accessMs: 4 });
    const a = await startFabric({ topology });
    fabrics.push(a);
    useCredentials(a);
    expect((await post(`${a.region('r-east').url()}/_fabric/_system/_api/collection`, { name: 'c' })).status).toBe(200);
    await a.waitForReplication();

    const acked = new Set<string>();
    const writers = [writer(a, 'r-east', acked), writer(a, 'r-eu', acked)];
    await until(() => acked.size >= 200, writers);
    const before = new Set(acked);
    const file = join(dir, 'under-load.snapshot');
    const saved = await a.saveSnapshot(file);
    const during = acked.size - before.size;
    // Writes go on after the snapshot too: they must not stop the fabric, nor be in the file.
    await until(() => acked.size >= before.size + during + 100, writers);
    await Promise.all(writers.map((w) => w.stop()));
    expect(saved.regions.map((r) => r.name)).toEqual(['r-east', 'r-eu', 'r-ap']);

    const b = await startFabric({ topology, fromSnapshot: file });
    fabrics.push(b);
    useCredentials(b);
    await b.waitForReplication({ timeoutMs: 60_000 });
    const at = await Promise.all(['r-east', 'r-eu', 'r-ap'].map((r) => keysAt(b, r)));
    // Converged: every PoP holds the same documents.
    expect(at[1]).toEqual(at[0]);
    expect(at[2]).toEqual(at[0]);
    const loaded = new Set(at[0]);
    const missing = [...before].filter((k) => !loaded.has(k));
    expect(missing).toEqual([]);
    // Nothing acknowledged only after the snapshot had completed is in it (those began after it).
    const late = [...acked].filter((k) => !before.has(k) && loaded.has(k));
    expect(late.length).toBeLessThanOrEqual(during + 2 * WRITERS_PER_REGION);
    // Both regions' writes are there, and the loaded fabric takes new ones.
    expect(at[0]!.some((k) => k.startsWith('r-east-')) && at[0]!.some((k) => k.startsWith('r-eu-'))).toBe(true);
    expect((await post(`${b.region('r-ap').url()}/_fabric/_system/_api/document/c`, { _key: 'after-load' })).status).toBe(202);
    await b.waitForReplication();
    expect(await keysAt(b, 'r-east')).toContain('after-load');
  }, 180_000);
});
