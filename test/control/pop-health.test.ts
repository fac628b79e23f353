import { afterEach, describe, expect, it } from 'vitest';
import { popHealth } from '../../src/control/health.js';
import type { ReplicationStatus } from '../../src/replication/index.js';
import { fabricSecret, startFabric, startRegion, type Fabric, type RegionServer } from '../../src/index.js';
import { eventually } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close();
});

async function health(url: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${url}/_emu/health`);
  return { status: res.status, body: await res.json() };
}

function replication(links: { to: string; state: 'open' | 'down' | 'connecting'; cut?: boolean }[]): ReplicationStatus {
  return {
    region: 'a',
    lastSeq: 0,
    incoming: [],
    outgoing: links.map((l) => ({ to: l.to, state: l.state, shipped: 0, acked: 0, lastSeq: 0, queueDepth: 0, settings: { cut: l.cut ?? false } })) as unknown as ReplicationStatus['outgoing'],
  };
}

describe('popHealth', () => {
  it('is ready once replicating with every link open or cut on purpose, and says why not otherwise', () => {
    expect(popHealth('a', 'serving', true, replication([{ to: 'b', state: 'open' }, { to: 'c', state: 'down', cut: true }]))).toMatchObject({ status: 'ready', ready: true, live: true });
    expect(popHealth('a', 'serving', true, replication([{ to: 'b', state: 'open' }, { to: 'c', state: 'down', cut: true }]))).not.toHaveProperty('reason');
    expect(popHealth('a', 'serving', true, replication([{ to: 'b', state: 'connecting' }, { to: 'c', state: 'down' }])).reason).toBe('replication links not up yet: to b (connecting), to c (down)');
    expect(popHealth('a', 'serving', false, replication([])).reason).toBe('replication has not started: the PoP waits for its fabric to start it');
    expect(popHealth('a', 'serving', true, replication([]))).toMatchObject({ ready: true, links: [] });
  });
});

describe('GET /_emu/health on a PoP', () => {
  it('answers for that PoP, without credentials: ready with its links; a cut link does not count, a killed peer does', async () => {
    const f: Fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false, https: false });
    closing.push(f);
    await f.wait();
    for (const r of f.regions) {
      const h = await health(r.url());
      expect(h.status).toBe(200);
      expect(h.body).toEqual({ region: r.name, status: 'ready', live: true, ready: true, links: f.regions.filter((x) => x !== r).map((x) => ({ to: x.name, state: 'open', cut: false })) });
      expect(await (await fetch(`${r.url()}/_emu/health/live`)).json()).toEqual({ region: r.name, live: true });
    }
    await f.partition([['r-east'], ['r-eu', 'r-ap']]);
    expect((await health(f.region('r-east').url())).body).toMatchObject({ ready: true, links: [{ to: 'r-eu', cut: true }, { to: 'r-ap', cut: true }] });
    await f.heal();

    await f.kill('r-ap');
    await eventually(async () => (await health(f.region('r-east').url())).status === 503);
    const east = await health(f.region('r-east').url());
    expect(east.body).toMatchObject({ region: 'r-east', status: 'starting', live: true, ready: false });
    expect(east.body.reason).toMatch(/^replication links not up yet: to r-ap \((down|connecting)\)$/);
    expect((await fetch(`${f.region('r-east').url()}/_emu/health/live`)).status).toBe(200);
    // The global health stays the fabric's: one PoP down is a degraded fabric.
    expect((await fetch(`${f.globalUrl()}/_emu/health`)).status).toBe(503);

    await f.restart('r-ap');
    await eventually(async () => (await health(f.region('r-east').url())).status === 200);
  });

  it('a PoP started alone with its replication held is live, not ready, and says so', async () => {
    const topology = testTopology();
    const region: RegionServer = await startRegion({ topology, name: 'r-east', dataDir: undefined, latency: false, host: '127.0.0.1', secret: fabricSecret(undefined), holdReplication: true });
    closing.push(region);
    const h = await health(region.url());
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ region: 'r-east', ready: false, reason: 'replication has not started: the PoP waits for its fabric to start it' });
  });
});
