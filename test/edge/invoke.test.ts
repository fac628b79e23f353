import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFabric, type Fabric } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { devApiKey, HANDLERS, scratch } from '../helpers/edge.js';
import { testTopology } from '../helpers/topology.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const handler = (name: string) => join(HANDLERS, name);
const tmp = scratch();

let fabric: Fabric;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
  await loadFixture(fileURLToPath(new URL('../../fixtures/address-book', import.meta.url)), { url: fabric.globalUrl(), apiKey: fabric.credentials.apiKey });
});
afterAll(async () => {
  tmp.cleanup();
  await fabric.close();
});

const invoke = (path: string, ...args: string[]) => runCli(['invoke', path, '--url', fabric.globalUrl(), ...args], ROOT);
const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const event = (v: unknown) => {
  const f = join(tmp.dir(), 'event.json');
  writeFileSync(f, JSON.stringify(v));
  return f;
};

describe('fabric-emu invoke: Lambda@Edge', () => {
  it('runs a CloudFront viewer-request function at a region: GDN host names reach that PoP; process.env holds only what Lambda sets', async () => {
    const r = await invoke(handler('region-lambda.mjs'), '--at', 'r-eu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Lambda@Edge (CloudFront viewer-request) on Node');
    expect(r.stderr).toMatch(/GET \/ → 200 in \d+ ms at r-eu, Frankfurt; PoP r-eu: 1 call, 0 ms latency charged/);
    const out = json(r);
    expect(out.status).toBe('200');
    const body = JSON.parse(out.body);
    expect(body).toMatchObject({ pop: 'r-eu', region: 'r-eu', eventType: 'viewer-request', uri: '/' });
    expect(body.env).toEqual(['AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_REGION', 'LAMBDA_TASK_ROOT', 'LANG', 'PATH', 'TZ']);
  });

  it('--trigger api-gateway gives the API Gateway HTTP API event; --at lat,lon and a killed region pick the nearest live PoP', async () => {
    const gw = await invoke(handler('region-lambda.mjs'), '--at', '48.85,2.35', '--trigger', 'api-gateway');
    expect(gw.code, gw.stderr).toBe(0);
    expect(JSON.parse(json(gw).body)).toMatchObject({ pop: 'r-eu', eventType: '2.0', uri: '/' });
    await fabric.kill('r-eu');
    try {
      const r = await invoke(handler('region-lambda.mjs'), '--at', 'r-eu');
      // From Frankfurt, Ashburn (6,549 km) is nearer than Mumbai (6,564 km).
      expect(JSON.parse(json(r).body).pop).toBe('r-east');
    } finally {
      await fabric.restart('r-eu');
    }
  });

  it('an --event file is passed as is, and the answer checked against the rules of its trigger', async () => {
    const dir = tmp.files({
      'index.mjs': "export async function handler(e) { const r = e.Records[0].cf.request; r.headers.host = [{ key: 'Host', value: 'elsewhere' }]; return r; }\n",
    });
    const ev = event({ Records: [{ cf: { config: { eventType: 'viewer-request' }, request: { clientIp: '1.2.3.4', method: 'GET', uri: '/', querystring: '', headers: { host: [{ key: 'Host', value: 'd1.cloudfront.net' }] } } } }] });
    const r = await invoke(join(dir, 'index.mjs'), '--at', 'r-ap', '--event', ev);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/returned a malformed response: the host header is read-only in viewer-request functions \(viewer-request\)/);
  });

  it('a function that throws, hangs, answers badly or exports no handler: exit 1, named on stderr', async () => {
    const threw = await invoke(handler('throws.mjs'), '--at', 'r-eu');
    expect(threw.code).toBe(1);
    expect(threw.stderr).toMatch(/handler .*throws\.mjs: threw: Error: boom from a broken handler/);
    expect(threw.stdout).toBe('');
    const hung = await invoke(handler('hangs.mjs'), '--at', 'r-eu', '--timeout', '300');
    expect(hung.stderr).toMatch(/handler .*hangs\.mjs: did not answer within 300 ms/);
    const bad = await invoke(handler('malformed.mjs'), '--at', 'r-eu', '--trigger', 'api-gateway');
    expect(bad.stderr).toMatch(/malformed\.mjs: returned a malformed response: statusCode must be an integer/);
    const cf = await invoke(handler('malformed.mjs'), '--at', 'r-eu');
    expect(cf.stderr).toMatch(/malformed\.mjs: returned a malformed response: status must be an HTTP status code/);
    const none = await invoke(handler('no-export.mjs'), '--at', 'r-eu', '--runtime', 'lambda-edge');
    expect(none.stderr).toMatch(/no-export\.mjs: exports no `handler\(event\)` function/);
    const unknown = await invoke(handler('no-export.mjs'), '--at', 'r-eu');
    expect(unknown.stderr).toMatch(/cannot tell which runtime it is for/);
    const missing = await invoke(handler('nowhere.mjs'), '--at', 'r-eu');
    expect(missing.stderr).toMatch(/nowhere\.mjs: no such file or folder/);
    const mars = await invoke(handler('region-lambda.mjs'), '--at', 'r-mars');
    expect(mars.code).toBe(1);
    expect(mars.stderr).toContain("unknown client region 'r-mars'");
    for (const r of [hung, bad, cf, none, unknown, missing]) expect(r.code).toBe(1);
  });

  it("the seed tutorial's Lambda as a viewer-request function at every region returns the address book from that region's PoP", async () => {
    const dir = tmp.example('lambda-edge', devApiKey(fabric));
    const r = await invoke(dir, '--at', 'all');
    expect(r.code, r.stderr).toBe(0);
    const runs = json(r) as { at: string; pop: string; output: { status: string; body: string; bodyEncoding: string } }[];
    expect(runs.map((x) => [x.at, x.pop])).toEqual([['r-east', 'r-east'], ['r-eu', 'r-eu'], ['r-ap', 'r-ap']]);
    for (const run of runs) {
      expect(run.output.bodyEncoding).toBe('base64');
      const book = JSON.parse(gunzipSync(Buffer.from(run.output.body, 'base64')).toString('utf8'));
      expect(book).toMatchObject({ region: run.at, count: 500 });
      expect(book.addresses[0]).toMatchObject({ _key: 'addr-0001', firstName: 'Zara' });
    }
  });
});

describe('fabric-emu invoke: Workers on workerd', () => {
  it('a module Worker reads its GDN URL and API key from its own wrangler.toml; request.cf is where it runs', async () => {
    const dir = tmp.example('worker', devApiKey(fabric));
    const r = await invoke(dir, '--at', 'r-east', '--event', event({ path: '/?zipCode=40385' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Cloudflare Workers (module syntax) on workerd');
    expect(JSON.parse(json(r).body)).toMatchObject({ colo: 'IAD', region: 'r-east', count: 1, addresses: [{ _key: 'addr-0002' }] });
  });

  it('a service-worker script, unchanged: its vars are globals', async () => {
    const dir = tmp.example('service-worker', devApiKey(fabric));
    const r = await invoke(dir, '--at', 'r-ap', '--event', event({ path: '/addr-0002' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('service-worker syntax');
    expect(JSON.parse(json(r).body)).toMatchObject({ colo: 'BOM', region: 'r-ap', status: 200, address: { email: 'grace.kernighan@example.net' } });
  });

  it('a Pages project: functions/ routes with params and middleware, static files from the output dir', async () => {
    const dir = tmp.example('pages', devApiKey(fabric));
    const api = await invoke(dir, '--at', 'r-eu', '--event', event({ path: '/api/addresses/40385' }));
    expect(api.code, api.stderr).toBe(0);
    expect(json(api).headers['x-served-by']).toBe('pages@FRA');
    expect(JSON.parse(json(api).body)).toMatchObject({ zip: '40385', region: 'r-eu', addresses: [{ _key: 'addr-0002' }] });
    const page = await invoke(dir, '--at', 'r-eu');
    expect(json(page)).toMatchObject({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(json(page).body).toContain('Address book');
  });

  it('env holds only the declared vars, and there is no process, as on Cloudflare', async () => {
    const dir = tmp.files({
      'wrangler.toml': 'main = "w.mjs"\ncompatibility_date = "2024-09-23"\n[vars]\nONLY = "this"\n',
      'w.mjs': 'export default { fetch(req, env) { return Response.json({ env: Object.keys(env), process: typeof process, cf: req.cf.country }); } };\n',
    });
    const r = await invoke(dir, '--at', 'r-ap');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(json(r).body)).toEqual({ env: ['ONLY'], process: 'undefined', cf: 'IN' });
  });

  it('a Worker that throws: exit 1 with its error', async () => {
    const dir = tmp.files({ 'w.mjs': "export default { fetch() { throw new Error('worker boom'); } };\n" });
    const r = await invoke(join(dir, 'w.mjs'), '--at', 'r-ap');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/w\.mjs: threw: Error: worker boom/);
  });
});

describe('fabric-emu invoke: Akamai EdgeWorkers and Fastly Compute', () => {
  it('an EdgeWorker: onClientRequest and responseProvider with httpRequest to the fabric; userLocation is where it runs', async () => {
    const dir = tmp.example('akamai', devApiKey(fabric));
    const r = await invoke(dir, '--at', 'r-ap', '--event', event({ path: '/?zipCode=40385' }));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(json(r).body)).toMatchObject({ region: 'r-ap', city: 'Mumbai', count: 1 });
    expect(r.stderr).toContain('[edgeworker log] 1 addresses from r-ap for a client in Mumbai');
    const post = await invoke(dir, '--at', 'r-ap', '--event', event({ method: 'POST', path: '/' }));
    expect(json(post)).toMatchObject({ status: 405, body: 'only GET', headers: { allow: 'GET' } });
  });

  it('the sandbox has only the EdgeWorkers API: no process, require, fetch or eval; imports outside it are refused', async () => {
    const dir = tmp.files({
      'bundle.json': '{"edgeworker-version":"1"}',
      'main.js':
        "import { createResponse } from 'create-response';\nexport function responseProvider() { let ev; try { ev = eval('1'); } catch (e) { ev = e.constructor.name; } return createResponse(200, {}, JSON.stringify({ process: typeof process, require: typeof require, fetch: typeof fetch, setTimeout: typeof setTimeout, eval: ev })); }\n",
    });
    const r = await invoke(dir, '--at', 'r-eu');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(json(r).body)).toEqual({ process: 'undefined', require: 'undefined', fetch: 'undefined', setTimeout: 'undefined', eval: 'EvalError' });
    writeFileSync(join(dir, 'main.js'), "import fs from 'node:fs';\nexport function onClientRequest() {}\n");
    const refused = await invoke(dir, '--at', 'r-eu');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot import 'node:fs': an EdgeWorkers bundle imports only its own files and http-request/);
  });

  it('a Fastly Compute program: the documented reason it cannot run here', async () => {
    const r = await invoke('examples/fastly', '--at', 'r-eu');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Fastly Compute programs run on Viceroy, which is not on the npm registry/);
  });
});
