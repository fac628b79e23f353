import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

async function start(clientRegion?: string): Promise<Fabric> {
  fabric = await startFabric({ topology: testTopology({ regions: 4 }), latency: false, ...(clientRegion ? { clientRegion } : {}) });
  return fabric;
}

async function via(f: Fabric, path: string, init: RequestInit = {}) {
  const headers = { authorization: `apikey ${f.credentials.apiKey}`, ...(init.headers as Record<string, string> | undefined) };
  const res = await fetch(`${f.globalUrl()}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, region: res.headers.get('x-gdn-region'), type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

const at = (region: string) => ({ headers: { 'x-gdn-client-region': region } });

describe('global URL routing', () => {
  it('sends a client in r-eu to the r-eu PoP and a client in r-ap to r-ap', async () => {
    const f = await start();
    expect((await via(f, '/_api/version', at('r-eu'))).region).toBe('r-eu');
    expect((await via(f, '/_fabric/_system/_api/collection', at('r-ap'))).region).toBe('r-ap');
    expect((await via(f, '/datacenter/local', at('r-west'))).body).toMatchObject({ name: 'r-west' });
  });

  it('without a header uses the run-wide client region, else the first region', async () => {
    expect((await via(await start(), '/_api/version')).region).toBe('r-east');
    await fabric!.close();
    expect((await via(await start('r-ap'), '/_api/version')).region).toBe('r-ap');
  });

  it('routes x-gdn-client-location to the nearest PoP by great circle', async () => {
    const f = await start();
    // Paris is nearest Frankfurt, Tokyo nearest Mumbai, Seattle nearest The Dalles.
    expect((await via(f, '/_api/version', { headers: { 'x-gdn-client-location': '48.85,2.35' } })).region).toBe('r-eu');
    expect((await via(f, '/_api/version', { headers: { 'x-gdn-client-location': '35.68,139.69' } })).region).toBe('r-ap');
    expect((await via(f, '/_api/version', { headers: { 'x-gdn-client-location': '47.61,-122.33' } })).region).toBe('r-west');
    const bad = await via(f, '/_api/version', { headers: { 'x-gdn-client-location': 'paris' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: true, code: 400, errorNum: 10 });
    expect(bad.body.errorMessage).toContain("'lat,lon'");
  });

  it('refuses an unknown client region with the known ones', async () => {
    const r = await via(await start(), '/_api/version', at('r-mars'));
    expect(r.status).toBe(400);
    expect(r.body.errorMessage).toContain("unknown client region 'r-mars'");
    expect(r.body.errorMessage).toContain('r-eu');
  });

  it('forwards method, path, query, headers and body, and the PoP answer with its status', async () => {
    const f = await start();
    const json = { 'content-type': 'application/json', 'x-gdn-client-region': 'r-eu' };
    expect((await via(f, '/_fabric/_system/_api/collection', { method: 'POST', headers: json, body: JSON.stringify({ name: 'c' }) })).status).toBe(200);
    const ins = await via(f, '/_fabric/_system/_api/document/c?returnNew=true', { method: 'POST', headers: json, body: JSON.stringify({ _key: 'k', v: 1 }) });
    expect(ins).toMatchObject({ status: 202, region: 'r-eu' });
    expect(ins.body.new).toMatchObject({ _key: 'k', v: 1 });
    const stale = await via(f, '/_fabric/_system/_api/document/c/k', { headers: { ...json, 'if-match': '"nope"' } });
    expect(stale.status).toBe(412);
    expect(stale.type).toContain('application/json');
    expect((await via(f, '/_fabric/_system/_api/document/c/missing', at('r-eu'))).status).toBe(404);
  });

  it('streams a large chunked body through and back', async () => {
    const f = await start();
    await fetch(`${f.region('r-east').url()}/_api/collection`, { method: 'POST', headers: { authorization: `apikey ${f.credentials.apiKey}` }, body: JSON.stringify({ name: 'big' }) });
    const docs = Array.from({ length: 20_000 }, (_, i) => ({ _key: `k${i}`, pad: 'x'.repeat(100) }));
    const payload = Buffer.from(JSON.stringify(docs));
    const url = new URL(`${f.globalUrl()}/_fabric/_system/_api/document/big?silent=true`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { 'transfer-encoding': 'chunked', authorization: `apikey ${f.credentials.apiKey}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      for (let i = 0; i < payload.length; i += 64 * 1024) req.write(payload.subarray(i, i + 64 * 1024));
      req.end();
    });
    expect(status).toBe(202);
    const count = await via(f, '/_api/collection/big/count');
    expect(count.body.count).toBe(20_000);
  });

  it('skips a killed PoP: the client goes to the nearest live one, and back after a restart', async () => {
    const f = await start();
    await f.kill('r-eu');
    // From Frankfurt: Ashburn 6,549 km, Mumbai 6,564 km, The Dalles 8,329 km.
    const r = await via(f, '/_api/version', at('r-eu'));
    expect(r.status).toBe(200);
    expect(r.region).toBe('r-east');
    await f.kill('r-east');
    expect((await via(f, '/_api/version', at('r-eu'))).region).toBe('r-ap');
    await f.restart('r-eu');
    expect((await via(f, '/_api/version', at('r-eu'))).region).toBe('r-eu');
  });

  it('answers 503 with the GDN envelope when no PoP is up; /_emu keeps working', async () => {
    const f = await start();
    for (const r of ['r-east', 'r-eu', 'r-ap', 'r-west']) await f.kill(r);
    const r = await via(f, '/_fabric/_system/_api/collection', at('r-eu'));
    expect(r.status).toBe(503);
    expect(r.type).toContain('application/json');
    expect(r.body).toMatchObject({ error: true, code: 503, errorNum: 503 });
    expect(r.body.errorMessage).toContain('no PoP is up');
    expect((await via(f, '/_emu/health')).status).toBe(503);
    expect((await via(f, '/_emu/route?clientRegion=r-eu')).status).toBe(503);
  });

  it('GET /_emu/route tells which PoP a client would reach', async () => {
    const f = await start();
    expect((await via(f, '/_emu/route?clientRegion=r-ap')).body).toMatchObject({ region: 'r-ap', url: f.region('r-ap').url(), clientRegion: 'r-ap' });
    expect((await via(f, '/_emu/route?location=48.85,2.35')).body).toMatchObject({ region: 'r-eu', clientRegion: 'r-eu', client: { region: 'r-eu', lat: 48.85, lon: 2.35 } });
    const eu = f.topology.regions.find((r) => r.name === 'r-eu')!;
    expect((await via(f, '/_emu/route?clientRegion=r-eu')).body.client).toEqual({ region: 'r-eu', city: eu.city, country: eu.country, countryName: eu.countryName, lat: eu.lat, lon: eu.lon });
    await f.kill('r-ap');
    expect((await via(f, '/_emu/route?clientRegion=r-ap')).body).toMatchObject({ clientRegion: 'r-ap' });
    expect((await via(f, '/_emu/route?clientRegion=r-ap')).body.region).not.toBe('r-ap');
  });

  it('refuses a run-wide client region that is not in the topology', async () => {
    await expect(startFabric({ topology: testTopology(), latency: false, clientRegion: 'r-mars' })).rejects.toThrow(/unknown client region 'r-mars'.*r-east/);
  });
});
