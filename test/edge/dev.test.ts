import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { startDev, HANDLERS, scratch, type Dev } from '../helpers/edge.js';
import { eventually } from '../helpers/http.js';
import { envelopeProblem, rawRequest } from '../helpers/raw-http.js';
import { testTopology } from '../helpers/topology.js';

const tmp = scratch();
let fabric: Fabric;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
});
afterAll(async () => {
  tmp.cleanup();
  await fabric.close();
});

let dev: Dev | undefined;
afterEach(async () => {
  await dev?.stop();
  dev = undefined;
});
const start = async (path: string, ...args: string[]) => (dev = await startDev(path, fabric.globalUrl(), ...args));

async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

describe('fabric-emu dev: Lambda@Edge', () => {
  it('serves a viewer-request function and logs where it ran, the PoP it reached and the latency charged', async () => {
    const d = await start(join(HANDLERS, 'region-lambda.mjs'), '--at', 'r-eu');
    const r = await get(`${d.url}/addresses?zipCode=10115`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pop: 'r-eu', eventType: 'viewer-request', uri: '/addresses', query: 'zipCode=10115' });
    await eventually(async () => /GET \/addresses\?zipCode=10115 → 200 in \d+ ms at r-eu, Frankfurt; PoP r-eu: 1 call, 0 ms latency charged/.test(d.log()));
  });

  it('an origin-request function forwards to the origin, which is the nearest PoP; a viewer-response one edits its answer', async () => {
    const dir = tmp.files({
      'origin.mjs': "export async function handler(e) { const r = e.Records[0].cf.request; r.uri = '/_fabric/_system/_api/version'; r.headers['x-seen'] = [{ key: 'X-Seen', value: e.Records[0].cf.config.eventType }]; return r; }\n",
      'viewer.mjs': "export async function handler(e) { const res = e.Records[0].cf.response; res.headers['x-edited'] = [{ key: 'X-Edited', value: res.status }]; return res; }\n",
    });
    let d = await start(join(dir, 'origin.mjs'), '--at', 'r-ap', '--trigger', 'origin-request');
    const o = await get(`${d.url}/anything`);
    expect(o.status).toBe(200);
    expect(o.headers.get('x-gdn-region')).toBe('r-ap');
    expect(o.body).toMatchObject({ server: expect.any(String) });
    await dev!.stop();
    d = await start(join(dir, 'viewer.mjs'), '--at', 'r-east', '--trigger', 'viewer-response');
    const v = await get(`${d.url}/_fabric/_system/_api/version`);
    expect(v.headers.get('x-edited')).toBe('200');
    expect(v.headers.get('x-gdn-region')).toBe('r-east');
  });

  it('answers 502 naming the function when it throws, hangs or breaks a CloudFront rule, reloads on edit, and keeps serving', async () => {
    const dir = tmp.files({ 'index.mjs': "export async function handler() { throw new Error('kaboom'); }\n" });
    const file = join(dir, 'index.mjs');
    const d = await start(file, '--at', 'r-eu', '--timeout', '300');
    const threw = await get(d.url);
    expect(threw.status).toBe(502);
    expect(threw.body).toMatchObject({ error: true, code: 502, errorNum: 502, cause: 'handler', handler: 'index.mjs' });
    expect(threw.body.errorMessage).toContain('threw: Error: kaboom');
    // The viewer gets the cause, not the stack or where the project lives; the log has those.
    expect(threw.body.errorMessage).not.toContain(dir);
    expect(threw.body.errorMessage).not.toMatch(/\n|\bat handler\b/);
    await eventually(async () => d.log().includes(join(dir, 'index.mjs')) && /at handler/.test(d.log()));

    writeFileSync(file, "export async function handler() { return { status: '200', body: 'x'.repeat(50000) }; }\n");
    await eventually(async () => (await get(d.url)).body.errorMessage?.includes('at most 40960 bytes') === true);

    writeFileSync(file, 'export async function handler() { for (;;); }\n');
    await eventually(async () => (await get(d.url)).body.errorMessage?.includes('did not answer within 300 ms') === true);

    writeFileSync(file, "export async function handler() { return { status: '201', body: 'fixed' }; }\n");
    await eventually(async () => (await get(d.url)).status === 201);
    expect((await get(d.url)).body).toBe('fixed');
    expect(d.log()).toContain('changed: reloading');
  });
});

describe('fabric-emu dev: what reaches the server outside a function', () => {
  it('unparseable requests, CONNECT and oversized headers get the GDN envelope, and the server keeps serving', async () => {
    const d = await start(join(HANDLERS, 'region-lambda.mjs'), '--at', 'r-eu');
    for (const [bytes, status] of [
      ['garbage\r\n\r\n', 400],
      ['CONNECT localhost:80 HTTP/1.1\r\nHost: localhost\r\n\r\n', 405],
      [`GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ] as const) {
      const r = await rawRequest(d.url, bytes);
      expect(r.status, bytes.split('\r\n')[0]).toBe(status);
      expect(envelopeProblem(r)).toBeUndefined();
    }
    expect((await get(`${d.url}/addresses`)).status).toBe(200);
  });
});

describe('fabric-emu dev: Workers', () => {
  it("request.url is the deployment's own URL, whatever Host the client sends", async () => {
    const dir = tmp.files({ 'wrangler.toml': 'main = "w.mjs"\n', 'w.mjs': 'export default { async fetch(req) { return new Response(req.url); } };\n' });
    const d = await start(dir, '--at', 'r-east');
    const port = new URL(d.url).port;
    for (const bytes of [
      `GET /p?q=1 HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n`,
      `GET http://attacker.example/p?q=1 HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n`,
    ]) {
      const r = await rawRequest(d.url, bytes);
      expect(r.status).toBe(200);
      expect(r.body).toBe(`http://127.0.0.1:${port}/p?q=1`);
    }
  });

  const worker = 'export default { async fetch(req, env) { const r = await fetch(`${env.GDN}/_fabric/_system/_api/version`); return Response.json({ pop: r.headers.get("x-gdn-region"), colo: req.cf.colo, v: env.V }); } };\n';

  it('--at all: one deployment per region, picked by the viewer\'s region header or host name', async () => {
    const dir = tmp.files({ 'wrangler.toml': 'main = "w.mjs"\n[vars]\nGDN = "https://api-gdn.paas.macrometa.io"\nV = "1"\n', 'w.mjs': worker });
    const d = await start(dir, '--at', 'all');
    for (const [region, colo] of [['r-east', 'IAD'], ['r-eu', 'FRA'], ['r-ap', 'BOM']] as const) {
      expect((await get(d.url, { headers: { 'x-gdn-client-region': region } })).body).toEqual({ pop: region, colo, v: '1' });
    }
    // fetch will not send a Host of its own choosing; node:http will, as curl to r-ap.localhost does.
    const port = new URL(d.url).port;
    const viaHost = await new Promise<string>((ok, fail) =>
      request({ host: '127.0.0.1', port, headers: { host: `r-ap.localhost:${port}` } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c)).on('end', () => ok(text));
      })
        .on('error', fail)
        .end(),
    );
    expect(JSON.parse(viaHost).pop).toBe('r-ap');
    expect((await get(d.url, { headers: { 'x-gdn-client-location': '48.85,2.35' } })).body.pop).toBe('r-eu');
  });

  it('reloads when wrangler.toml changes', async () => {
    const dir = tmp.files({ 'wrangler.toml': 'main = "w.mjs"\n[vars]\nGDN = "http://api-gdn.localhost"\nV = "1"\n', 'w.mjs': worker });
    const d = await start(dir, '--at', 'r-east');
    expect((await get(d.url)).body).toEqual({ pop: 'r-east', colo: 'IAD', v: '1' });
    writeFileSync(join(dir, 'wrangler.toml'), 'main = "w.mjs"\n[vars]\nGDN = "http://api-gdn.localhost"\nV = "2"\n');
    await eventually(async () => (await get(d.url)).body.v === '2', 20_000);
  });
});
