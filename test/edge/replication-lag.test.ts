import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTopology, startDevServer, startFabric, type DevServer, type Fabric } from '../../src/index.js';
import { devApiKey, scratch } from '../helpers/edge.js';
import { eventually } from '../helpers/http.js';

/**
 * The edge and the fabric agree: a Worker deployed everywhere answers from each region with that
 * region's replica, so a write made at one region is seen at another only once it has crossed the
 * link between them, as users of GDN see it in production. The link is slow on purpose (3 s one
 * way) so that "not yet" cannot be a race.
 */
const topology = parseTopology(
  `name: lag
global: { port: 0 }
access: { rttMs: 5, jitterMs: 0, distribution: constant, source: test }
regions:
  - { name: gdn-us-east, city: Ashburn, country: US, countryName: United States, lat: 39.04, lon: -77.49, port: 0 }
  - { name: gdn-ap-west, city: Mumbai, country: IN, countryName: India, lat: 19.08, lon: 72.88, port: 0 }
latency:
  - { between: [gdn-us-east, gdn-ap-west], rttMs: 6000, jitterMs: 0, distribution: constant, source: test }
`,
  'lag.yaml',
);

const WORKER = `export default {
  async fetch(request, env) {
    const key = new URL(request.url).pathname.slice(1);
    const base = env.GDN_URL + '/_fabric/_system/_api/document/notes';
    const headers = { authorization: 'apikey ' + env.GDN_API_KEY, 'content-type': 'application/json' };
    const res = request.method === 'POST'
      ? await fetch(base, { method: 'POST', headers, body: JSON.stringify({ _key: key, at: request.cf.colo }) })
      : await fetch(base + '/' + key, { headers });
    return Response.json({ status: res.status, pop: res.headers.get('x-gdn-region') });
  },
};
`;

const tmp = scratch();
let fabric: Fabric;
let dev: DevServer;
const log: string[] = [];
beforeAll(async () => {
  fabric = await startFabric({ topology, latency: true });
  const res = await fetch(`${fabric.region('gdn-ap-west').url()}/_fabric/_system/_api/collection`, { method: 'POST', headers: { authorization: `apikey ${devApiKey(fabric)}` }, body: JSON.stringify({ name: 'notes' }) });
  expect(res.status).toBeLessThan(300);
  await fabric.waitForReplication({ timeoutMs: 20_000 });
  const dir = tmp.files({
    'wrangler.toml': `main = "worker.mjs"\ncompatibility_date = "2024-09-23"\n[vars]\nGDN_URL = "https://api-gdn.paas.macrometa.io"\nGDN_API_KEY = "${devApiKey(fabric)}"\n`,
    'worker.mjs': WORKER,
  });
  dev = await startDevServer(dir, { url: fabric.globalUrl(), at: 'all', port: 0, log: (l) => log.push(l) });
}, 60_000);
afterAll(async () => {
  await dev?.close();
  await fabric?.close();
  tmp.cleanup();
});

const at = async (region: string, method: string, key: string) => {
  const res = await fetch(`${dev.url()}/${key}`, { method, headers: { 'x-gdn-client-region': region } });
  return (await res.json()) as { status: number; pop: string };
};

describe('a Worker deployed everywhere, reading and writing through the fabric', () => {
  it('a write by the Worker at gdn-ap-west is read by the Worker at gdn-us-east only after the replication delay', async () => {
    expect(await at('gdn-ap-west', 'POST', 'n1')).toEqual({ status: 202, pop: 'gdn-ap-west' });
    // Its own region's replica has it at once; the other's not yet.
    expect(await at('gdn-ap-west', 'GET', 'n1')).toEqual({ status: 200, pop: 'gdn-ap-west' });
    expect(await at('gdn-us-east', 'GET', 'n1')).toEqual({ status: 404, pop: 'gdn-us-east' });
    await eventually(async () => (await at('gdn-us-east', 'GET', 'n1')).status === 200, 20_000);
    expect(log.some((l) => /GET \/n1 → 200 in \d+ ms at gdn-us-east, Ashburn; PoP gdn-us-east: 1 call, 5 ms latency charged/.test(l))).toBe(true);
    expect(log.some((l) => /POST \/n1 → 200 in \d+ ms at gdn-ap-west, Mumbai; PoP gdn-ap-west/.test(l))).toBe(true);
  });
});
