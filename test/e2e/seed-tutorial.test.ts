import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTopology, loadFixture, startFabric, type Fabric } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { devApiKey, scratch } from '../helpers/edge.js';
import { curl } from '../helpers/curl.js';
import { call, get, useCredentials } from '../helpers/http.js';

/**
 * The 2019 tutorial the project grew from, end to end: an address book in a global collection,
 * the saved query `showAddresses`, executed at every location, and a Lambda function that reads
 * it from the nearest location. The topology is the seed-era one (regions.yaml) on free ports.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUERY = 'for docs in addresses return docs';

const tmp = scratch();
let fabric: Fabric;
beforeAll(async () => {
  const topology = defaultTopology();
  topology.regions = topology.regions.map((r) => ({ ...r, port: 0 }));
  topology.global = { port: 0 };
  topology.https = { port: 0 };
  fabric = await startFabric({ topology, latency: true });
  useCredentials(fabric);
  await loadFixture(fileURLToPath(new URL('../../fixtures/address-book', import.meta.url)), { url: fabric.globalUrl(), apiKey: fabric.credentials.apiKey, region: 'gdn-us-east' });
}, 60_000);
afterAll(async () => {
  tmp.cleanup();
  await fabric.close();
});

const PATH_FORMS = [
  '/_tenant/_mm/_fabric/_system/_api/restql',
  '/_tenant/_mm/_fabric/_system/restql',
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

  it('showAddresses with curl over HTTPS, as the tutorial pastes it, at the global name and at each region', async () => {
    // This fabric keeps its certificate in memory: fetch the CA as a user would, from the plain global port.
    const caFile = join(tmp.dir(), 'ca.pem');
    expect((await curl(['-o', caFile, `${fabric.globalUrl()}/_emu/ca.pem`])).status).toBe(200);
    expect(readFileSync(caFile, 'utf8')).toBe(fabric.https!.ca);
    const port = fabric.https!.port;
    const form = `/_tenant/${fabric.credentials.tenant}/_fabric/_system/_api/restql`;
    const auth = ['-H', `Authorization: apikey ${devApiKey(fabric)}`, '-H', 'Content-Type: application/json'];
    for (const host of ['api-gdn.localhost', ...fabric.regions.map((r) => `api-${r.name}.localhost`)]) {
      const keys = new Set<string>();
      let page = await curl(['--cacert', caFile, ...auth, '-X', 'POST', '-d', '{}', `https://${host}:${port}${form}/execute/showAddresses`]);
      expect(page.stderr).toBe('');
      expect(page.status).toBe(201);
      const served = page.headers['x-gdn-region'];
      if (host !== 'api-gdn.localhost') expect(`api-${served}.localhost`).toBe(host);
      for (;;) {
        for (const d of page.body.result as { _key: string }[]) keys.add(d._key);
        if (!page.body.hasMore) break;
        page = await curl(['--cacert', caFile, ...auth, '-X', 'PUT', `https://${host}:${port}${form}/fetch/${page.body.id}`]);
        expect(page.status).toBe(200);
        // The cursor lives at one PoP: every page comes from the PoP that ran the query.
        expect(page.headers['x-gdn-region']).toBe(served);
      }
      expect(keys.size).toBe(500);
    }
  }, 60_000);

  it("the tutorial's bearer token from /_open/auth, then its curl for execute/showAddresses over HTTPS", async () => {
    const caFile = join(tmp.dir(), 'ca.pem');
    writeFileSync(caFile, fabric.https!.ca);
    const base = `https://api-gdn.localhost:${fabric.https!.port}`;
    const { tenant, username, password } = fabric.credentials;
    const json = ['-H', 'Content-Type: application/json'];
    const login = await curl(['--cacert', caFile, ...json, '-X', 'POST', '-d', JSON.stringify({ tenant, username, password }), `${base}/_open/auth`]);
    expect(login.stderr).toBe('');
    expect(login.status).toBe(200);
    const jwt = login.body.jwt as string;
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // The URL the API explorer showed, with the tenant and fabric put in: no /_api segment.
    const url = `${base}/_tenant/${tenant}/_fabric/_system/restql/execute/showAddresses`;
    const page = await curl(['--cacert', caFile, ...json, '-H', `Authorization: bearer ${jwt}`, '-X', 'POST', '-d', '{}', url]);
    expect(page.status).toBe(201);
    expect(page.body.result).toHaveLength(100);
    expect(page.body.result[0]).toHaveProperty('email');
    expect(page.body.hasMore).toBe(true);
    // The token is what let it in: the same call without it, or with it altered, is refused.
    expect((await curl(['--cacert', caFile, ...json, '-X', 'POST', '-d', '{}', url])).status).toBe(401);
    const tampered = `${jwt.slice(0, -2)}${jwt.at(-2) === 'A' ? 'B' : 'A'}${jwt.slice(-1)}`;
    expect((await curl(['--cacert', caFile, ...json, '-H', `Authorization: bearer ${tampered}`, '-X', 'POST', '-d', '{}', url])).status).toBe(401);
  });

  it('the Lambda example, as a CloudFront viewer-request function at every region, reads the addresses from that PoP', async () => {
    const dir = tmp.example('lambda-edge', devApiKey(fabric));
    const r = await runCli(['invoke', dir, '--at', 'all', '--url', fabric.globalUrl()], ROOT);
    expect(r.code, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout) as { at: string; pop: string; output: { status: string; body: string } }[];
    expect(runs.map((x) => x.at)).toEqual(['gdn-us-west', 'gdn-us-east', 'gdn-eu-central', 'gdn-ap-west']);
    for (const run of runs) {
      expect(run.output.status).toBe('200');
      const body = JSON.parse(gunzipSync(Buffer.from(run.output.body, 'base64')).toString('utf8'));
      expect(body.region).toBe(run.at);
      expect(body.count).toBe(500);
      expect(body.addresses[0]).toHaveProperty('email');
    }
    // Each ran at its own region, against its own PoP, charged the access round trip.
    for (const region of ['gdn-us-west', 'gdn-us-east', 'gdn-eu-central', 'gdn-ap-west']) expect(r.stderr).toMatch(new RegExp(`at ${region}, [^;]+; PoP ${region}: 5 calls`));
  });
});
