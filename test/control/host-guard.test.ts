import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { hostAllowed, hostName } from '../../src/api/host-guard.js';
import { startFabric, startProcessFabric, type Fabric, type ProcessFabric } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | ProcessFabric | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A raw request, so the Host header can be anything (fetch always sends the real one). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function ports(f: Fabric | ProcessFabric): string[] {
  const regions = 'regions' in f ? f.regions.map((r) => r.url()) : f.topology.regions.map((r) => f.regionUrl(r.name));
  return [...regions, f.globalUrl()];
}

describe('the control plane and the PoPs are not open to any web page', () => {
  it('hostName and hostAllowed', () => {
    expect(hostName('API-gdn-us-east.localhost:8531')).toBe('api-gdn-us-east.localhost');
    expect(hostName('[::1]:8530')).toBe('::1');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    for (const h of ['localhost', 'gdn.localhost', '127.0.0.1', '127.1.2.3', '::1']) expect(hostAllowed(h, [])).toBe(true);
    for (const h of ['evil.example', '10.0.0.1', 'localhost.evil.example', '']) expect(hostAllowed(h, [])).toBe(false);
    expect(hostAllowed('pop.internal', ['pop.internal'])).toBe(true);
    expect(hostAllowed('a.corp.example', ['.corp.example'])).toBe(true);
    expect(hostAllowed('anything', true)).toBe(true);
  });

  it('every port refuses a foreign Host and a cross-site write, and serves loopback and allowed origins', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    const east = f.region('r-east').url();
    const authorization = `apikey ${f.credentials.apiKey}`;
    await fetch(`${east}/_api/collection`, { method: 'POST', headers: { authorization }, body: JSON.stringify({ name: 'c' }) });
    for (const base of ports(f)) {
      const rebound = await raw(`${base}/_api/version`, 'GET', { host: 'attacker.example:80' });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toMatchObject({ error: true, code: 403, errorNum: 11 });
      expect(rebound.body.errorMessage).toContain("host 'attacker.example'");
      const emu = await raw(`${base}/_emu/health`, 'GET', { host: 'attacker.example' });
      expect(emu.status).toBe(403);
      const write = await raw(`${base}/_api/document/c`, 'POST', { host: new URL(base).host, origin: 'https://attacker.example', 'content-type': 'text/plain' }, '{"_key":"csrf"}');
      expect(write.status).toBe(403);
      expect(write.body.errorMessage).toContain('https://attacker.example');
      const reset = await raw(`${base}/_emu/reset`, 'POST', { host: new URL(base).host, origin: 'null', 'content-type': 'text/plain' }, '');
      expect(reset.status).toBe(403);
    }
    expect((await fetch(`${east}/_api/document/c/csrf`, { headers: { authorization } })).status).toBe(404);
    const own = await raw(`${east}/_api/document/c`, 'POST', { host: 'api-r-east.localhost', origin: 'http://localhost:3000', authorization }, '{"_key":"ok"}');
    expect(own.status).toBe(202);
    const read = await raw(`${east}/_api/document/c/ok`, 'GET', { host: new URL(east).host, origin: 'https://attacker.example', authorization });
    expect(read.status).toBe(200);
  });

  it('refuses WebSocket upgrades with a foreign Host, on PoPs and the global port', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    for (const base of ports(f)) {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/_emu/replication`, { headers: { host: 'attacker.example' } });
      const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      expect(status).toBe(403);
    }
  });

  it('answers hosts given with allowedHosts, and any host with true', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false, allowedHosts: ['pop.internal'] }));
    expect((await raw(`${f.region('r-east').url()}/_api/version`, 'GET', { host: 'pop.internal:8531' })).status).toBe(200);
    expect((await raw(`${f.globalUrl()}/_api/version`, 'GET', { host: 'pop.internal' })).status).toBe(200);
    expect((await raw(`${f.globalUrl()}/_api/version`, 'GET', { host: 'other.internal' })).status).toBe(403);
    await f.close();
    const any = (fabric = await startFabric({ topology: testTopology(), latency: false, allowedHosts: true }));
    expect((await raw(`${any.region('r-east').url()}/_api/version`, 'GET', { host: 'whatever.example' })).status).toBe(200);
  });

  it("internal routes answer only the fabric's own parent: 401 without the secret, on every PoP port", async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabric-emu-guard-'));
    const f = (fabric = await startProcessFabric({ topology: testTopology(), dataDir: dir, latency: false, log: () => undefined }));
    for (const r of f.topology.regions) {
      const base = f.regionUrl(r.name);
      for (const [method, path] of [['POST', '/_emu/region/reset'], ['POST', '/_emu/region/replication'], ['GET', '/_emu/region/status'], ['PUT', '/_emu/region/clock']] as const) {
        const res = await raw(`${base}${path}`, method, { host: new URL(base).host, 'content-type': 'text/plain', 'x-fabric-emu-secret': 'guess' }, method === 'GET' ? undefined : '{}');
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body).toMatchObject({ error: true, code: 401, errorNum: 11 });
      }
    }
    expect((await f.status()).regions.every((r) => r.state === 'serving')).toBe(true);
  });
});
