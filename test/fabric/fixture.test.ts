import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTopology, startFabric, type Fabric } from '../../src/index.js';
import { Jsc8 } from '../helpers/jsc8.js';
import { testTopology } from '../helpers/topology.js';

const open: Fabric[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

async function started(...args: Parameters<typeof startFabric>): Promise<Fabric> {
  const f = await startFabric(...args);
  open.push(f);
  return f;
}

const port = (url: string) => Number(new URL(url).port);
const authed = (f: Fabric) => ({ authorization: `apikey ${f.credentials.apiKey}`, 'content-type': 'application/json' });

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('startFabric() as a test fixture', () => {
  it('with no options starts the default topology in memory on free ports, with its front door, and two run side by side', async () => {
    const [a, b] = [await started(), await started()];
    const fixed = defaultTopology();
    expect(a.regions.map((r) => r.name)).toEqual(fixed.regions.map((r) => r.name));
    const ports = (f: Fabric) => [port(f.globalUrl()), ...f.regions.map((r) => r.port()), f.https?.port];
    expect(ports(a)).not.toContain(fixed.regions[0]!.port);
    expect(ports(a)).not.toContain(fixed.global.port);
    expect(ports(a)).not.toContain(fixed.https?.port);
    expect(new Set([...ports(a), ...ports(b)]).size).toBe(2 * (fixed.regions.length + 2));
    for (const f of [a, b]) expect((await fetch(`${f.globalUrl()}/_emu/health`)).status).toBe(200);
  });

  it('gives every region its plain and HTTPS URLs, the global ones, the credentials and jsC8 options that work', async () => {
    const f = await started({ topology: testTopology(), latency: false, https: true });
    const door = f.https!.port;
    expect(f.urls).toEqual({
      global: { http: f.globalUrl(), https: `https://api-gdn.localhost:${door}` },
      regions: {
        'r-east': { http: f.region('r-east').url(), https: `https://api-r-east.localhost:${door}` },
        'r-eu': { http: f.region('r-eu').url(), https: `https://api-r-eu.localhost:${door}` },
      },
    });
    expect(f.credentials.apiKey).toMatch(/^_mm\./);
    const created = await fetch(`${f.urls.regions['r-east']!.http}/_fabric/_system/_api/collection`, { method: 'POST', headers: authed(f), body: JSON.stringify({ name: 'fixture' }) });
    expect(created.status).toBe(200);
    const options = f.jsc8('r-eu');
    expect(options).toMatchObject({ url: `https://r-eu.localhost:${door}`, apiKey: f.credentials.apiKey });
    const client = new Jsc8({ ...options });
    try {
      await f.wait();
      expect(await client.hasCollection('fixture')).toBe(true);
      expect((await client.getLocalEdgeLocation()).tags.api).toContain('r-eu');
    } finally {
      client.close();
    }
    expect(() => f.jsc8('mars')).toThrow("unknown region 'mars'; known: r-east, r-eu");
  });

  it('without a front door has no HTTPS URLs, and jsc8() says what to do; auth off leaves the key out', async () => {
    const f = await started({ topology: testTopology(), latency: false, https: false, auth: false });
    expect(f.urls.global.https).toBeUndefined();
    expect(f.urls.regions['r-east']!.https).toBeUndefined();
    expect(() => f.jsc8()).toThrow('this fabric runs no HTTPS front door, which jsC8 needs: start it with https: true');
    const g = await started({ topology: testTopology(), latency: false, https: true, auth: false });
    expect(g.jsc8()).not.toHaveProperty('apiKey');
  });

  it("ports: 'topology' keeps the topology's ports", async () => {
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const t = testTopology();
    t.regions[1]!.port = free;
    const f = await started({ topology: t, latency: false, ports: 'topology', https: false });
    expect(f.region('r-eu').port()).toBe(free);
  });

  it('is disposable with await using: the fabric is closed when the block ends', async () => {
    let global = '';
    {
      await using f = await startFabric({ topology: testTopology(), latency: false, https: false });
      global = f.globalUrl();
      expect(f[Symbol.asyncDispose]).toBe(f.close);
      expect(await answers(`${global}/_emu/health`)).toBe(true);
    }
    expect(await answers(`${global}/_emu/health`)).toBe(false);
  });

  it('has every control verb: link, partition, heal, wait, kill, restart, clock, reset', async () => {
    const f = await started({ topology: testTopology(), latency: false, https: false });
    const east = f.urls.regions['r-east']!.http;
    const eu = f.urls.regions['r-eu']!.http;
    const doc = (base: string, key: string) => fetch(`${base}/_fabric/_system/_api/document/c/${key}`, { headers: authed(f) }).then((r) => r.status);
    const insert = (base: string, key: string) => fetch(`${base}/_fabric/_system/_api/document/c`, { method: 'POST', headers: authed(f), body: JSON.stringify({ _key: key }) }).then((r) => r.status);
    await fetch(`${east}/_fabric/_system/_api/collection`, { method: 'POST', headers: authed(f), body: JSON.stringify({ name: 'c' }) });
    await f.wait();

    await f.link('r-east', 'r-eu', { rttMs: 250 });
    const link = (await f.status()).links.find((l) => l.from === 'r-east' && l.to === 'r-eu');
    expect(link?.rttMs).toBe(250);
    await f.link('r-east', 'r-eu', { clear: true });

    await f.partition([['r-east'], ['r-eu']]);
    expect(await insert(east, 'during')).toBeLessThan(300);
    expect((await f.wait()).skipped).toEqual(expect.arrayContaining(['r-east→r-eu (cut)']));
    expect(await doc(eu, 'during')).toBe(404);
    await f.heal();
    await f.wait();
    expect(await doc(eu, 'during')).toBe(200);

    expect((await f.kill('r-eu')).state).toBe('killed');
    expect(await answers(`${eu}/_api/version`)).toBe(false);
    expect((await f.restart('r-eu')).state).toBe('serving');
    expect(await doc(eu, 'during')).toBe(200);

    const before = (await f.clock()).now;
    const after = await f.clock({ advance: 3_600_000 });
    expect(after.now - before).toBeGreaterThanOrEqual(3_600_000);

    await f.reset();
    expect(await doc(east, 'during')).toBe(404);
    expect(await doc(eu, 'during')).toBe(404);
  });
});
