import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTopology, loadFixture, startFabric, type Fabric } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { call, get } from '../helpers/http.js';

/**
 * The 2019 tutorial the project grew from, end to end: an address book in a global collection,
 * the saved query `showAddresses`, executed at every location, and a Lambda function that reads
 * it from the nearest location. The topology is the seed-era one (regions.yaml) on free ports.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUERY = 'for docs in addresses return docs';

let fabric: Fabric;
beforeAll(async () => {
  const topology = defaultTopology();
  topology.regions = topology.regions.map((r) => ({ ...r, port: 0 }));
  topology.global = { port: 0 };
  topology.https = { port: 0 };
  fabric = await startFabric({ topology, latency: true });
  await loadFixture(fileURLToPath(new URL('../../fixtures/address-book', import.meta.url)), { url: fabric.globalUrl(), region: 'gdn-us-east' });
}, 60_000);
afterAll(() => fabric.close());

const PATH_FORMS = [
  '/_tenant/demo_example.com/_fabric/_system/_api/restql',
  '/_tenant/demo_example.com/_fabric/_system/restql',
  '/_fabric/_system/_api/restql',
  '/_fabric/_system/restql',
];

describe('the seed tutorial', () => {
  it('the address book loaded at gdn-us-east is at every PoP, with showAddresses saved', async () => {
    for (const r of fabric.regions) {
      expect((await get(`${r.url()}/_fabric/_system/_api/collection/addresses/count`)).body.count).toBe(500);
      const saved = (await get(`${r.url()}/_fabric/_system/_api/restql/user`)).body.result;
      expect(saved.find((q: { name: string }) => q.name === 'showAddresses')?.value).toBe(QUERY);
    }
  });

  it.each(PATH_FORMS)('showAddresses through %s returns all 500 addresses in batches of 100 at every PoP', async (form) => {
    for (const r of fabric.regions) {
      const batches: number[] = [];
      const keys = new Set<string>();
      let page = await call('POST', `${r.url()}${form}/execute/showAddresses`, {});
      expect(page.status).toBe(201);
      for (;;) {
        batches.push(page.body.result.length);
        for (const d of page.body.result as { _key: string; email: string }[]) keys.add(d._key);
        if (!page.body.hasMore) break;
        page = await call('PUT', `${r.url()}${form}/fetch/${page.body.id}`);
        expect(page.status).toBe(200);
      }
      expect(batches).toEqual([100, 100, 100, 100, 100]);
      expect(keys.size).toBe(500);
    }
  });

  it.each(['gdn-us-west', 'gdn-us-east', 'gdn-eu-central', 'gdn-ap-west'])('the Lambda example invoked at %s reads the addresses from that PoP', async (region) => {
    const r = await runCli(['invoke', 'examples/lambda-edge/index.mjs', '--at', region, '--url', fabric.globalUrl()], ROOT);
    expect(r.code, r.stderr).toBe(0);
    const response = JSON.parse(r.stdout);
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.region).toBe(region);
    expect(body.count).toBe(500);
    expect(body.addresses[0]).toHaveProperty('email');
  });
});
