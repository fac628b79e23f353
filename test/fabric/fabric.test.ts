import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

async function timed(url: string, headers: Record<string, string> = {}): Promise<{ ms: number; status: number }> {
  const start = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return { ms: performance.now() - start, status: res.status };
}

describe('a fabric on real ports', () => {
  it('every PoP listens on its own port and knows the others', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
    const ports = new Set(fabric.regions.map((r) => r.port()));
    expect(ports.size).toBe(3);
    for (const r of fabric.regions) {
      const all = (await (await fetch(`${r.url()}/datacenter/all`, { headers: { authorization: `apikey ${fabric.credentials.apiKey}` } })).json()) as { name: string; port: number; local: boolean }[];
      expect(all.map((d) => d.name)).toEqual(['r-east', 'r-eu', 'r-ap']);
      expect(all.find((d) => d.local)?.name).toBe(r.name);
      expect(all.map((d) => d.port)).toEqual(fabric.regions.map((x) => x.port()));
    }
    const health = await fetch(`${fabric.globalUrl()}/_emu/health`);
    expect(health.status).toBe(200);
  });

  it('delays a request by the access RTT, and by the link RTT for a client in another region', async () => {
    fabric = await startFabric({ topology: testTopology({ accessMs: 120, linkMs: 300 }), latency: true });
    const east = fabric.region('r-east');
    const local = await timed(`${east.url()}/_api/version`);
    expect(local.status).toBe(200);
    expect(local.ms).toBeGreaterThanOrEqual(119);
    const far = await timed(`${east.url()}/_api/version`, { 'x-gdn-client-region': 'r-eu' });
    expect(far.ms).toBeGreaterThanOrEqual(299);
    const unknown = await fetch(`${east.url()}/_api/version`, { headers: { 'x-gdn-client-region': 'mars' } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errorNum: number }).errorNum).toBe(10);
  });
});
