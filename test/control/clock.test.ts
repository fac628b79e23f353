import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, startProcessFabric, type Fabric, type ProcessFabric } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { call, get, post, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | ProcessFabric | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const HOUR = 3_600_000;

describe("the fabric's clock", () => {
  it('GET /_emu/clock shows it; POST advances, freezes and resumes it; bad bodies get the envelope', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    useCredentials(f);
    const g = f.globalUrl();
    const before = (await get(`${g}/_emu/clock`)).body;
    expect(before.frozen).toBe(false);
    expect(Math.abs(before.offsetMs)).toBeLessThan(1);
    const advanced = (await post(`${g}/_emu/clock`, { advance: '1h' })).body;
    expect(advanced.offsetMs).toBeGreaterThanOrEqual(HOUR - 1);
    expect((await post(`${g}/_emu/clock`, { advance: 500 })).body.offsetMs).toBeGreaterThanOrEqual(HOUR + 499);
    const frozen = (await post(`${g}/_emu/clock`, { freeze: true })).body;
    expect(frozen.frozen).toBe(true);
    expect((await get(`${g}/_emu/clock`)).body.now).toBe(frozen.now);
    const resumed = (await post(`${g}/_emu/clock`, { resume: true })).body;
    expect(resumed.frozen).toBe(false);
    // Time stood still while frozen: resumed, the clock is behind real time + offset by that much.
    expect(resumed.offsetMs).toBeLessThanOrEqual(frozen.offsetMs);
    for (const bad of [{ advance: -1 }, { advance: 'soon' }, { freeze: false }, {}, { advance: 1, freeze: true }]) {
      const r = await post(`${g}/_emu/clock`, bad);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: true, code: 400, errorNum: 10 });
    }
    expect((await f.clock()).offsetMs).toBeGreaterThan(HOUR);
  });

  it('an advance expires cursors and ttl-indexed documents on every PoP without waiting', async () => {
    const f = (fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false }));
    useCredentials(f);
    const east = f.region('r-east').url();
    await post(`${east}/_api/collection`, { name: 'sessions' });
    expect((await post(`${east}/_api/index/ttl?collection=sessions`, { fields: ['at'], expireAfter: 60 })).status).toBe(201);
    const now = Math.floor((await f.clock()).now / 1000);
    await post(`${east}/_api/document/sessions`, [{ _key: 'old', at: now }, { _key: 'later', at: now + 2 * 3600 }]);
    const cursor = (await post(`${east}/_api/cursor`, { query: 'FOR i IN 1..10 RETURN i', batchSize: 2, ttl: 60 })).body;
    await f.waitForReplication();
    await f.clock({ advance: HOUR });
    await f.waitForReplication();
    for (const r of f.regions) {
      const keys = (await post(`${r.url()}/_api/cursor`, { query: 'FOR s IN sessions RETURN s._key' })).body.result;
      expect(keys).toEqual(['later']);
    }
    expect((await call('PUT', `${east}/_api/cursor/${cursor.id}`)).body).toMatchObject({ code: 404, errorNum: 1600 });
  });

  it('reaches every child of a --processes fabric, and the CLI drives it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabric-emu-clock-'));
    const f = (fabric = await startProcessFabric({ topology: testTopology(), dataDir: dir, latency: false, log: () => undefined }));
    useCredentials(f, f.topology.regions.map((r) => f.regionUrl(r.name)));
    const r = await runCli(['clock', 'advance', '2h', '--url', f.globalUrl()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\+72\d{5} ms from real time/);
    const east = f.regionUrl('r-east');
    await post(`${east}/_api/collection`, { name: 'c' });
    const doc = (await post(`${east}/_api/cursor`, { query: 'RETURN DATE_NOW()' })).body.result[0] as number;
    expect(doc - Date.now()).toBeGreaterThan(2 * HOUR - 60_000);
    expect((await runCli(['clock', 'freeze', '--url', f.globalUrl()])).stdout).toContain('frozen');
    expect((await runCli(['clock', 'advance', 'later', '--url', f.globalUrl()])).code).toBe(2);
  });
});
