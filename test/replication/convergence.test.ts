import { afterEach, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/core/rng.js';
import { launchFabric, type LocalFabric as Fabric } from '../../src/fabric/local-fabric.js';
import { call, useCredentials } from '../helpers/http.js';
import { digest, expectedContents, sortedObject, visibleContents } from '../helpers/lww-model.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
const ATTRS = ['x', 'y', 'z'];

/** One random write through the GDN API of one PoP; a 404 or 409 is a legitimate outcome. */
async function randomWrite(f: Fabric, rng: Rng): Promise<void> {
  const region = f.regions[rng.int(f.regions.length)]!;
  const base = `${region.url()}/_fabric/_system/_api/document/c`;
  const key = KEYS[rng.int(KEYS.length)]!;
  const body = () => Object.fromEntries(ATTRS.filter(() => rng.next() < 0.6).map((a) => [a, rng.int(1000)]));
  const roll = rng.next();
  let res;
  if (roll < 0.25) res = await call('POST', `${base}?overwriteMode=replace`, { _key: key, ...body() });
  else if (roll < 0.4) res = await call('PUT', `${base}/${key}`, body());
  else if (roll < 0.75) {
    const patch = Object.fromEntries(ATTRS.filter(() => rng.next() < 0.5).map((a) => [a, rng.next() < 0.2 ? null : rng.int(1000)]));
    res = await call('PATCH', `${base}/${key}?keepNull=${rng.next() < 0.5}`, patch);
  } else res = await call('DELETE', `${base}/${key}`);
  expect([200, 201, 202, 404]).toContain(res.status);
}

async function randomFault(f: Fabric, rng: Rng): Promise<void> {
  const names = f.regions.map((r) => r.name);
  const roll = rng.next();
  if (roll < 0.4) await f.heal();
  else if (roll < 0.8) {
    const isolated = names[rng.int(names.length)]!;
    await f.partition([[isolated], names.filter((n) => n !== isolated)]);
  } else {
    const a = names[rng.int(names.length)]!;
    const b = names.filter((n) => n !== a)[rng.int(names.length - 1)]!;
    await f.setLink(a, b, { cut: true }, { bidirectional: rng.next() < 0.5 });
  }
}

const SEEDS = Number(process.env['CONVERGENCE_SEEDS'] ?? 8);

describe('convergence on real PoPs with partitions and heals', () => {
  it.each(Array.from({ length: SEEDS }, (_, i) => i + 1))('seed %i: every PoP ends identical and the rules pick every winner', async (seed) => {
    const rng = createRng(seed * 7919);
    fabric = await launchFabric({ topology: { ...testTopology({ regions: 3, linkMs: 12, jitterMs: 5, accessMs: 0 }), seed }, latency: true });
    useCredentials(fabric);
    const first = fabric.regions[0]!.url();
    expect((await call('POST', `${first}/_api/collection`, { name: 'c' })).status).toBe(200);
    await fabric.waitForReplication();
    for (let step = 0; step < 60; step++) {
      if (rng.next() < 0.12) await randomFault(fabric, rng);
      await randomWrite(fabric, rng);
    }
    await fabric.heal();
    await fabric.waitForReplication({ timeoutMs: 20_000 });

    const contents = fabric.regions.map((r) => [...r.storage.documents.scan(r.storage.collections.require('_mm/_system', 'c'))]);
    expect(new Set(contents.map(digest)).size).toBe(1);
    const entries = fabric.regions.flatMap((r) => r.storage.changes.since(0, 1_000_000));
    const expected = sortedObject(expectedContents(entries, 'c'));
    for (const docs of contents) expect(sortedObject(visibleContents(docs))).toEqual(expected);
    const status = await fabric.status();
    for (const l of status.links) expect(l.queueDepth).toBe(0);
  });
});
