import { afterEach, describe, expect, it } from 'vitest';
import { startProcessFabric, type ProcessFabric } from '../../src/index.js';
import { call, get, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';
import { tempDir } from '../helpers/tmp.js';

let fabric: ProcessFabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});


describe('a PoP killed with SIGKILL during a stream of writes (--processes)', () => {
  it('loses no acknowledged write, applies nothing twice and catches up after restart', async () => {
    const dataDir = tempDir('crash');
    fabric = await startProcessFabric({ topology: testTopology({ regions: 3, linkMs: 20, accessMs: 0 }), dataDir, latency: true, log: () => undefined });
    useCredentials(fabric, fabric.topology.regions.map((r) => fabric!.regionUrl(r.name)));
    const [victim, other, third] = ['r-east', 'r-eu', 'r-ap'].map((n) => fabric!.regionUrl(n)) as [string, string, string];
    expect((await call('POST', `${victim}/_api/collection`, { name: 'c' })).status).toBe(200);
    await fabric.waitForReplication();

    const acknowledged: string[] = [];
    // A write whose answer was lost (the kill came after its commit, before its 202) may or may not
    // be stored: it is not owed, but where it is stored it must be stored everywhere, once.
    const unanswered: string[] = [];
    const writeStream = async (base: string, prefix: string, n: number) => {
      for (let i = 0; i < n; i++) {
        try {
          const r = await call('POST', `${base}/_api/document/c`, { _key: `${prefix}${i}`, i });
          if (r.status === 202) acknowledged.push(`${prefix}${i}`);
        } catch {
          // Connection refused while the victim is down, or reset mid-request: not acknowledged.
          unanswered.push(`${prefix}${i}`);
        }
      }
    };
    const victimStream = writeStream(victim, 'v', 300);
    const otherStream = writeStream(other, 'o', 300);
    while (acknowledged.filter((k) => k.startsWith('v')).length < 100) await new Promise((r) => setTimeout(r, 5));
    await fabric.kill('r-east');
    await Promise.all([victimStream, otherStream]);
    expect(acknowledged.filter((k) => k.startsWith('v')).length).toBeGreaterThanOrEqual(100);
    expect(acknowledged.filter((k) => k.startsWith('v')).length).toBeLessThan(300);

    await fabric.restart('r-east');
    await fabric.waitForReplication({ timeoutMs: 30_000 });
    const stored = async (base: string, key: string) => (await get(`${base}/_api/document/c/${key}`)).status === 200;
    const landed: string[] = [];
    for (const key of unanswered) if (await stored(other, key)) landed.push(key);
    // One write at a time per stream: at most the victim's one in-flight write can have landed unanswered.
    expect(landed.length).toBeLessThanOrEqual(1);
    for (const base of [victim, other, third]) {
      const count = (await get(`${base}/_api/collection/c/count`)).body.count;
      expect(count).toBe(acknowledged.length + landed.length);
      for (const key of landed) expect(await stored(base, key)).toBe(true);
      for (const key of acknowledged.slice(-20)) expect((await get(`${base}/_api/document/c/${key}`)).status).toBe(200);
    }
    // The peers that never restarted saw every change of the victim exactly once.
    const status = await fabric.status();
    const victimLast = status.regions.find((r) => r.name === 'r-east')!.lastSeq!;
    const metrics = await fabric.metrics();
    const counter = (name: string, to: string) => Number(new RegExp(`^${name}\\{from="r-east",to="${to}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    for (const peer of ['r-eu', 'r-ap']) {
      expect(status.links.find((l) => l.from === 'r-east' && l.to === peer)!.applied).toBe(victimLast);
      const seen = ['applied_total', 'conflicts_resolved_total', 'discarded_total'].map((n) => counter(`fabric_emu_replication_${n}`, peer));
      expect(seen.reduce((a, b) => a + b, 0)).toBe(victimLast);
    }
  });
});
