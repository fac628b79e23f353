import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, startProcessFabric, type Fabric, type ProcessFabric } from '../../src/index.js';
import { call, get, post, sleep, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | ProcessFabric | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Link {
  from: string;
  to: string;
  cut: boolean;
  lagP50Ms: number | null;
}

const linkOf = (links: Link[], from: string, to: string) => links.find((l) => l.from === from && l.to === to)!;

describe('control verbs', () => {
  it('--processes: changes queued before a kill stay behind a partition after restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabric-emu-verbs-'));
    const f = (fabric = await startProcessFabric({ topology: testTopology({ regions: 4 }), dataDir: dir, latency: false, log: () => undefined }));
    useCredentials(f, f.topology.regions.map((r) => f.regionUrl(r.name)));
    const east = f.regionUrl('r-east');
    const others = ['r-eu', 'r-ap', 'r-west'];
    await post(`${east}/_api/collection`, { name: 'c' });
    await f.waitForReplication();
    await f.partition([['r-east'], others]);
    await post(`${east}/_api/document/c`, [{ _key: 'queued1' }, { _key: 'queued2' }]);
    await f.kill('r-east');
    await f.restart('r-east');
    await sleep(300);
    const status = await f.status();
    for (const r of others) {
      expect((await get(`${f.regionUrl(r)}/_api/document/c/queued1`)).status).toBe(404);
      expect(linkOf(status.links, 'r-east', r).cut).toBe(true);
    }
    await f.heal();
    await f.waitForReplication();
    for (const r of others) expect((await get(`${f.regionUrl(r)}/_api/document/c/queued2`)).status).toBe(200);
  });

  it('partition refuses a region in two groups and an unknown region, and changes nothing', async () => {
    const f = (fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false }));
    useCredentials(f);
    const g = f.globalUrl();
    const twice = await post(`${g}/_emu/partition`, { groups: [['r-east', 'r-eu'], ['r-eu', 'r-ap']] });
    expect(twice.status).toBe(400);
    expect(twice.body.errorMessage).toContain("'r-eu' is in group 1 and group 2");
    expect((await post(`${g}/_emu/partition`, { groups: [['r-east'], ['nowhere']] })).body).toMatchObject({ code: 404, errorNum: 404 });
    expect((await f.status()).links.every((l) => !l.cut)).toBe(true);
  });

  it('wait with a short timeout answers a timeout envelope naming the pending links', async () => {
    const f = (fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false }));
    useCredentials(f);
    const g = f.globalUrl();
    await post(`${f.region('r-east').url()}/_api/collection`, { name: 'c' });
    await f.waitForReplication();
    await f.setLink('r-east', 'r-eu', { rttMs: 20_000 }, { bidirectional: false });
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'slow' });
    const r = await post(`${g}/_emu/wait`, { timeoutMs: 100 });
    expect(r.status).toBe(408);
    expect(r.body).toMatchObject({ error: true, code: 408, errorNum: 1457 });
    expect(r.body.errorMessage).toContain('r-east→r-eu');
    expect(r.body.pending).toEqual([expect.stringContaining('r-east→r-eu')]);
    expect(r.body.pending).toHaveLength(1);
  });

  it('kill of a killed PoP and restart of a serving one say what state it is in', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    useCredentials(f);
    const g = f.globalUrl();
    const again = await post(`${g}/_emu/regions/r-east/restart`);
    expect(again.body).toMatchObject({ ok: true, changed: false, state: 'serving' });
    expect(again.body.message).toContain('already serving');
    expect((await post(`${g}/_emu/regions/r-east/kill`)).body).toMatchObject({ changed: true, state: 'killed' });
    const twice = await post(`${g}/_emu/regions/r-east/kill`);
    expect(twice.body).toMatchObject({ changed: false, state: 'killed' });
    expect(twice.body.message).toContain('already killed');
    expect((await post(`${g}/_emu/regions/r-east/restart`)).body).toMatchObject({ changed: true, state: 'serving' });
  });

  it('reset forgets the lag figures of the data it wiped', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    useCredentials(f);
    await post(`${f.region('r-east').url()}/_api/collection`, { name: 'c' });
    await post(`${f.region('r-east').url()}/_api/document/c`, { v: 1 });
    await f.waitForReplication();
    expect(linkOf((await f.status()).links, 'r-east', 'r-eu').lagP50Ms).not.toBeNull();
    await f.reset();
    const link = linkOf((await f.status()).links, 'r-east', 'r-eu');
    expect(link).toMatchObject({ lagP50Ms: null, shipped: 0, acked: 0 });
    await f.waitForReplication();
  });

  it('POST /_emu/reset keeps link settings unless asked with { links: true }, and refuses other bodies', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false, https: false }));
    const g = f.globalUrl();
    await f.partition([['r-east'], ['r-eu']]);
    await f.link('r-east', 'r-eu', { rttMs: 300 });
    expect((await post(`${g}/_emu/reset`)).status).toBe(200);
    expect(linkOf((await f.status()).links, 'r-east', 'r-eu')).toMatchObject({ cut: true, rttMs: 300 });
    expect((await post(`${g}/_emu/reset`, { link: true })).status).toBe(400);
    expect((await post(`${g}/_emu/reset`, { links: true })).status).toBe(200);
    expect(linkOf((await f.status()).links, 'r-east', 'r-eu')).toMatchObject({ cut: false, rttMs: 100 });
  });

  it('link settings are range-checked over HTTP and on the fabric object', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    useCredentials(f);
    for (const bad of [{ rttMs: 1e308 }, { jitterMs: 61_000 }, { lossRate: 0.99 }, { rttMs: -1 }]) {
      const r = await call('PUT', `${f.globalUrl()}/_emu/links/r-east/r-eu`, bad);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: true, errorNum: 10 });
      await expect(f.setLink('r-east', 'r-eu', bad)).rejects.toThrow(/must be between/);
    }
    expect((await f.status()).links.every((l) => l.rttMs === 100)).toBe(true);
  });
});

describe('wait and status tell the truth', () => {
  it('wait names the cut links and killed PoPs it did not wait for', async () => {
    const f = (fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false }));
    useCredentials(f);
    await f.setLink('r-east', 'r-eu', { cut: true }, { bidirectional: false });
    await f.kill('r-ap');
    const r = await post(`${f.globalUrl()}/_emu/wait`, { timeoutMs: 5000 });
    expect(r.status).toBe(200);
    expect(r.body.skipped).toEqual(expect.arrayContaining(['r-east→r-eu (cut)', 'r-ap (killed)']));
  });

  it('a PoP whose change log started over alone is reported as diverged, and wait refuses to say done', async () => {
    const secret = 'verbs-test-fabric-secret';
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false, secret, warn: () => undefined }));
    useCredentials(f);
    const east = f.region('r-east').url();
    await post(`${east}/_api/collection`, { name: 'c' });
    await post(`${east}/_api/document/c`, [{ _key: 'a' }, { _key: 'b' }]);
    await f.waitForReplication();
    // What a replaced data dir or a reset of one PoP alone does to the fabric (internal route, needs the secret).
    const internal = (path: string, body: unknown) => call('POST', `${east}${path}`, body, { 'x-fabric-emu-secret': secret });
    expect((await internal('/_emu/region/replication', { running: false })).status).toBe(200);
    expect((await internal('/_emu/region/reset', {})).status).toBe(200);
    expect((await internal('/_emu/region/replication', { running: true })).status).toBe(200);
    await post(`${east}/_api/collection`, { name: 'fresh' });
    const r = await post(`${f.globalUrl()}/_emu/wait`, { timeoutMs: 5000 });
    expect(r.status).toBe(409);
    expect(r.body.errorMessage).toContain('r-east→r-eu (3 changes');
    const link = (await f.status()).links.find((l) => l.from === 'r-east' && l.to === 'r-eu')!;
    expect(link.lost).toBe(3);
    // Its new log is replicated from its first change, not taken for changes applied long ago.
    expect((await get(`${f.region('r-eu').url()}/_api/collection/fresh`)).status).toBe(200);
    await f.reset();
    expect((await post(`${f.globalUrl()}/_emu/wait`, { timeoutMs: 5000 })).status).toBe(200);
  });
});
