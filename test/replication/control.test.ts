import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { call, eventually, get, patch, post, sleep, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

async function started(regions = 2): Promise<Fabric> {
  fabric = await startFabric({ topology: testTopology({ regions }), latency: false, warn: () => undefined });
  useCredentials(fabric);
  await post(`${fabric.regions[0]!.url()}/_api/collection`, { name: 'c' });
  await fabric.waitForReplication();
  return fabric;
}

const emu = (f: Fabric, method: string, path: string, body?: unknown) => call(method, `${f.globalUrl()}${path}`, body);
const docAt = (f: Fabric, region: string, key: string) => get(`${f.region(region).url()}/_api/document/c/${key}`);

describe('fault control over /_emu', () => {
  it('concurrent PATCHes of different attributes in two regions both survive on every PoP', async () => {
    const f = await started(3);
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'k', base: true });
    await f.waitForReplication();
    expect((await emu(f, 'POST', '/_emu/partition', { groups: [['r-east'], ['r-eu']] })).status).toBe(200);
    await patch(`${f.region('r-east').url()}/_api/document/c/k`, { east: 1 });
    await patch(`${f.region('r-eu').url()}/_api/document/c/k`, { eu: 2 });
    expect((await docAt(f, 'r-east', 'k')).body.eu).toBeUndefined();
    expect((await emu(f, 'POST', '/_emu/heal')).status).toBe(200);
    expect((await emu(f, 'POST', '/_emu/wait', { timeoutMs: 10_000 })).status).toBe(200);
    for (const r of ['r-east', 'r-eu', 'r-ap']) expect((await docAt(f, r, 'k')).body).toMatchObject({ base: true, east: 1, eu: 2 });
  });

  it('a cut link queues at the sender, shows in status, and delivers on heal; other links stay up', async () => {
    const f = await started(3);
    expect((await emu(f, 'PUT', '/_emu/links/r-east/r-eu', { cut: true })).status).toBe(200);
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'queued' });
    await eventually(async () => (await docAt(f, 'r-ap', 'queued')).status === 200);
    await sleep(50);
    expect((await docAt(f, 'r-eu', 'queued')).status).toBe(404);
    const status = (await emu(f, 'GET', '/_emu/status')).body;
    const link = status.links.find((l: { from: string; to: string }) => l.from === 'r-east' && l.to === 'r-eu');
    expect(link).toMatchObject({ cut: true, queueDepth: 1 });
    await emu(f, 'PUT', '/_emu/links/r-east/r-eu', { cut: false });
    await f.waitForReplication();
    expect((await docAt(f, 'r-eu', 'queued')).status).toBe(200);
  });

  it('a killed PoP stops serving and replicating, keeps its data, and catches up after restart', async () => {
    const f = await started(2);
    await post(`${f.region('r-eu').url()}/_api/document/c`, { _key: 'before' });
    await f.waitForReplication();
    expect((await emu(f, 'POST', '/_emu/regions/r-eu/kill')).status).toBe(200);
    await expect(fetch(`${f.region('r-eu').url()}/_api/version`)).rejects.toThrow();
    expect((await emu(f, 'GET', '/_emu/health')).status).toBe(503);
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'during' });
    expect((await emu(f, 'GET', '/_emu/status')).body.regions[1]).toMatchObject({ name: 'r-eu', state: 'killed' });
    expect((await emu(f, 'POST', '/_emu/regions/r-eu/restart')).status).toBe(200);
    await f.waitForReplication();
    expect((await docAt(f, 'r-eu', 'before')).status).toBe(200);
    expect((await docAt(f, 'r-eu', 'during')).status).toBe(200);
    expect((await emu(f, 'GET', '/_emu/health')).status).toBe(200);
  });

  it('a slowed link delays delivery by its new one-way time', async () => {
    const f = await started(2);
    await emu(f, 'PUT', '/_emu/links/r-east/r-eu', { rttMs: 1000, jitterMs: 0 });
    const start = performance.now();
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'slow' });
    expect((await docAt(f, 'r-eu', 'slow')).status).toBe(404);
    const seen = await eventually(async () => (await docAt(f, 'r-eu', 'slow')).status === 200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(499);
    expect(seen).toBeGreaterThan(0);
    await emu(f, 'PUT', '/_emu/links/r-east/r-eu', { clear: true });
    expect((await emu(f, 'GET', '/_emu/status')).body.links[0].rttMs).toBe(100);
  });

  it('reset wipes every region and replication works afterwards', async () => {
    const f = await started(2);
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'old' });
    await f.waitForReplication();
    expect((await emu(f, 'POST', '/_emu/reset')).status).toBe(200);
    for (const r of f.regions) expect((await get(`${r.url()}/_api/collection/c`)).status).toBe(404);
    await post(`${f.region('r-eu').url()}/_api/collection`, { name: 'fresh' });
    await f.waitForReplication();
    expect((await get(`${f.region('r-east').url()}/_api/collection/fresh`)).status).toBe(200);
  });

  it('exposes Prometheus metrics: lag histogram, queue depth, applied and conflicts', async () => {
    const f = await started(2);
    await post(`${f.region('r-east').url()}/_api/document/c`, [{ _key: 'a' }, { _key: 'b' }]);
    await f.waitForReplication();
    const res = await fetch(`${f.globalUrl()}/_emu/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE fabric_emu_replication_lag_ms histogram');
    expect(text).toMatch(/fabric_emu_replication_lag_ms_count\{from="r-east",to="r-eu"\} 3/);
    expect(text).toMatch(/fabric_emu_replication_applied_total\{from="r-east",to="r-eu"\} 3/);
    expect(text).toContain('fabric_emu_replication_queue_depth{from="r-east",to="r-eu"} 0');
    expect(text).toContain('fabric_emu_replication_conflicts_resolved_total');
  });

  it('answers bad control requests with the error envelope', async () => {
    const f = await started(2);
    expect((await emu(f, 'PUT', '/_emu/links/r-east/nowhere', { cut: true })).status).toBe(404);
    expect((await emu(f, 'PUT', '/_emu/links/r-east/r-eu', { cut: 'yes' })).body.errorNum).toBe(10);
    expect((await emu(f, 'POST', '/_emu/partition', { groups: [] })).status).toBe(400);
    expect((await emu(f, 'POST', '/_emu/regions/mars/kill')).status).toBe(404);
  });
});
