import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFabric, type Fabric } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { testTopology } from '../helpers/topology.js';
import { tempDir } from '../helpers/tmp.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const handler = (name: string) => here(`./handlers/${name}`);
const ROOT = here('../../');

let fabric: Fabric;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
});
afterAll(() => fabric.close());

const invoke = (file: string, ...args: string[]) => runCli(['invoke', file, '--url', fabric.globalUrl(), ...args], ROOT);

describe('fabric-emu invoke', () => {
  it('runs a Lambda-style handler at a region: GDN_URL is that PoP, the event an API Gateway GET /', async () => {
    const r = await invoke(handler('region-lambda.mjs'), '--at', 'r-eu');
    expect(r.stderr).toContain('Lambda style');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.statusCode).toBe(200);
    const body = JSON.parse(out.body);
    expect(body).toMatchObject({ pop: 'r-eu', path: '/', env: { GDN_URL: fabric.region('r-eu').url(), GDN_REGION: 'r-eu', GDN_FABRIC: '_system', GDN_TENANT: '_mm' } });
  });

  it('runs a Workers-style handler with env and a request from --event', async () => {
    const dir = tempDir('edge');
    writeFileSync(join(dir, 'event.json'), JSON.stringify({ method: 'POST', path: '/hello', body: 'hi' }));
    const r = await invoke(handler('region-worker.mjs'), '--at', 'r-ap', '--event', join(dir, 'event.json'));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toMatchObject({ pop: 'r-ap', method: 'POST', path: '/hello', body: 'hi', env: { GDN_URL: fabric.region('r-ap').url() } });
  });

  it('gives a handler at a killed region the nearest live PoP', async () => {
    await fabric.kill('r-eu');
    try {
      const r = await invoke(handler('region-lambda.mjs'), '--at', 'r-eu');
      expect(r.code).toBe(0);
      // From Frankfurt, Ashburn (6,549 km) is nearer than Mumbai (6,564 km).
      expect(JSON.parse(JSON.parse(r.stdout).body).pop).toBe('r-east');
    } finally {
      await fabric.restart('r-eu');
    }
  });

  it('accepts --at lat,lon', async () => {
    const r = await invoke(handler('region-lambda.mjs'), '--at', '48.85,2.35');
    expect(r.code).toBe(0);
    expect(JSON.parse(JSON.parse(r.stdout).body).pop).toBe('r-eu');
  });

  it('a handler that throws: exit 1, the handler and the error on stderr', async () => {
    const r = await invoke(handler('throws.mjs'), '--at', 'r-eu');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/handler .*throws\.mjs: threw: Error: boom from a broken handler/);
    expect(r.stdout).toBe('');
  });

  it('a handler that hangs is stopped after --timeout', async () => {
    const r = await invoke(handler('hangs.mjs'), '--at', 'r-eu', '--timeout', '300');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/handler .*hangs\.mjs: did not answer within 300 ms/);
  });

  it('malformed responses of both styles are named', async () => {
    const lambda = await invoke(handler('malformed.mjs'), '--at', 'r-eu');
    expect(lambda.code).toBe(1);
    expect(lambda.stderr).toMatch(/handler .*malformed\.mjs: returned a malformed response: statusCode must be an integer/);
    const worker = await invoke(handler('malformed-worker.mjs'), '--at', 'r-eu');
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/handler .*malformed-worker\.mjs: returned a malformed response: fetch\(\) must return a Response, got Object/);
  });

  it('a module of neither style, a missing file and an unknown region are refused clearly', async () => {
    const none = await invoke(handler('no-export.mjs'), '--at', 'r-eu');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/handler .*no-export\.mjs: exports neither/);
    const missing = await invoke(handler('nowhere.mjs'), '--at', 'r-eu');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/handler .*nowhere\.mjs: no such file/);
    const mars = await invoke(handler('region-lambda.mjs'), '--at', 'r-mars');
    expect(mars.code).toBe(1);
    expect(mars.stderr).toContain("unknown client region 'r-mars'");
  });

  // Needs the RESTQL API (saved queries) of spec §7.
  it('runs both examples of the seed tutorial against the address book', async () => {
    await loadFixture(here('../../fixtures/address-book'), { url: fabric.globalUrl() });
    const lambda = await invoke('examples/lambda-edge/index.mjs', '--at', 'r-ap');
    expect(lambda.stderr).not.toContain('threw');
    expect(lambda.code).toBe(0);
    const lambdaBody = JSON.parse(JSON.parse(lambda.stdout).body);
    expect(lambdaBody).toMatchObject({ region: 'r-ap', count: 500 });
    expect(lambdaBody.addresses[0]).toMatchObject({ _key: 'addr-0001', firstName: 'Zara', lastName: 'Liskov' });

    const worker = await invoke('examples/worker/index.mjs', '--at', 'r-east');
    expect(worker.code).toBe(0);
    const workerBody = JSON.parse(JSON.parse(worker.stdout).body);
    expect(workerBody).toMatchObject({ region: 'r-east', count: 500 });
  });
});
