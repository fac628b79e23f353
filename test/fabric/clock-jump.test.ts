import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, startProcessFabric, type Fabric, type ProcessFabric } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';
import { tempDir } from '../helpers/tmp.js';

let fabric: Fabric | ProcessFabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

const starts = {
  'worker threads': (warn: (m: string) => void) => startFabric({ topology: testTopology({ regions: 3, linkMs: 0, accessMs: 0 }), latency: false, warn }),
  'child processes': (warn: (m: string) => void) =>
    startProcessFabric({ topology: testTopology({ regions: 3, linkMs: 0, accessMs: 0 }), dataDir: tempDir('clock-jump'), latency: false, log: warn }),
};

describe.each(Object.entries(starts))('a clock advance on a fabric whose PoPs keep their own clocks (%s)', (_kind, start) => {
  it('refuses no change as stamped too far ahead while the PoPs take the new time, however the writes fall', async () => {
    const warnings: string[] = [];
    fabric = await start((m) => warnings.push(m));
    const headers = { authorization: `apikey ${fabric.credentials.apiKey}`, 'content-type': 'application/json' };
    const f = fabric;
    const urls = 'regionUrl' in f ? f.topology.regions.map((r) => f.regionUrl(r.name)) : f.regions.map((r) => r.url());
    expect((await fetch(`${urls[0]}/_api/collection`, { method: 'POST', headers, body: '{"name":"c"}' })).status).toBe(200);
    await fabric.waitForReplication();
    let writing = true;
    let written = 0;
    // Every PoP writes without pause, so some write falls between two PoPs taking the new time.
    const writers = urls.map(async (url, i) => {
      for (let n = 0; writing; n++) {
        const res = await fetch(`${url}/_api/document/c`, { method: 'POST', headers, body: JSON.stringify({ _key: `w${i}-${n}` }) });
        expect(res.status).toBe(202);
        written++;
      }
    });
    for (let i = 0; i < 20; i++) {
      await fabric.clock({ advance: 3_600_000 });
      await new Promise((r) => setTimeout(r, 20));
    }
    writing = false;
    await Promise.all(writers);
    await fabric.waitForReplication({ timeoutMs: 30_000 });
    expect(warnings.filter((w) => /ahead|refus/.test(w))).toEqual([]);
    for (const url of urls) expect(((await (await fetch(`${url}/_api/collection/c/count`, { headers })).json()) as { count: number }).count).toBe(written);
  });
});
