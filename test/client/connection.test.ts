import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gdnConnection, localhostLookup, startFabric, startProcessFabric, trustFabricProcessWide, type Fabric } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fabric-emu-connection-'));
  fabric = await startFabric({ topology: testTopology(), latency: false, https: { certDir: join(dir, 'tls') } });
}, 60_000);
afterAll(async () => {
  await fabric?.close();
  rmSync(dir, { recursive: true, force: true });
});

function regionOf(url: string, agent: import('node:https').Agent): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      resolve(res.headers['x-gdn-region'] as string | undefined);
    })
      .on('error', reject)
      .end();
  });
}

describe('localhostLookup', () => {
  it('sends localhost names to the front door, in both callback shapes, and other names to the resolver', async () => {
    const lookup = localhostLookup('127.0.0.1');
    const one = await new Promise((resolve) => lookup('api-gdn.LOCALHOST', {}, (err, address, family) => resolve({ err, address, family })));
    expect(one).toEqual({ err: null, address: '127.0.0.1', family: 4 });
    const all = await new Promise((resolve) => lookup('r-eu.localhost.', { all: true }, (_e, address) => resolve(address)));
    expect(all).toEqual([{ address: '127.0.0.1', family: 4 }]);
    const other = await new Promise((resolve) => lookup('localhost.example', {}, (err) => resolve((err as NodeJS.ErrnoException | null)?.code)));
    expect(other).not.toBeUndefined();
  });
});

describe('gdnConnection', () => {
  it('from a fabric: jsC8 options, an agent and a fetch that trust the CA and resolve *.localhost', async () => {
    const conn = await gdnConnection(fabric);
    try {
      const port = fabric.https!.port;
      expect(conn.url).toBe(`https://gdn.localhost:${port}`);
      expect(conn.apiUrl).toBe(`https://api-gdn.localhost:${port}`);
      expect(conn.jsc8.url).toBe(conn.url);
      expect(conn.jsc8.agentOptions.ca).toBe(fabric.https!.ca);
      expect(await regionOf(`https://api-r-eu.localhost:${port}/_api/version`, conn.agent)).toBe('r-eu');
      const res = await conn.fetch(`${conn.apiUrl}/datacenter/local`, { headers: { 'x-gdn-client-region': 'r-eu' } });
      expect(((await res.json()) as { name: string }).name).toBe('r-eu');
      // Other hosts keep the default trust: the fabric's CA is the agent's, not the process's.
      const plain = new Promise<void>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, servername: 'gdn.localhost' }, () => resolve(void s.end()));
        s.on('error', reject);
      });
      await expect(plain).rejects.toThrow(/self.signed|unable to (get|verify)/i);
    } finally {
      await conn.close();
    }
  });

  it("calls with the fabric's dev key by default, with the one given, and with none from a URL", async () => {
    const status = async (conn: Awaited<ReturnType<typeof gdnConnection>>, headers: Record<string, string> = {}) =>
      (await conn.fetch(`${conn.apiUrl}/_fabric/_system/_api/collection`, { headers })).status;
    const dev = await gdnConnection(fabric);
    const wrong = await gdnConnection(fabric, { apiKey: `${fabric.credentials.tenant}.nobody.AbCdEf0123456789xyz` });
    const fromUrl = await gdnConnection(fabric.globalUrl());
    try {
      expect(dev.apiKey).toBe(fabric.credentials.apiKey);
      expect(dev.jsc8.apiKey).toBe(fabric.credentials.apiKey);
      expect(await status(dev)).toBe(200);
      // A request's own Authorization wins over the connection's key.
      expect(await status(dev, { authorization: 'apikey _mm.nobody.AbCdEf0123456789xyz' })).toBe(401);
      expect(await status(wrong)).toBe(401);
      expect(fromUrl.apiKey).toBeUndefined();
      expect(await status(fromUrl)).toBe(401);
    } finally {
      await Promise.all([dev.close(), wrong.close(), fromUrl.close()]);
    }
  });

  it('for a region: its <region>.localhost names', async () => {
    const conn = await gdnConnection(fabric, { region: 'r-eu' });
    try {
      expect(conn.url).toBe(`https://r-eu.localhost:${fabric.https!.port}`);
      expect((await conn.fetch(`${conn.url}/_api/version`)).headers.get('x-gdn-region')).toBe('r-eu');
    } finally {
      await conn.close();
    }
  });

  it("from the front door's URL (fetching its CA first) and from the plain global URL", async () => {
    const port = fabric.https!.port;
    for (const target of [`https://api-r-eu.localhost:${port}`, fabric.globalUrl()]) {
      const conn = await gdnConnection(target);
      try {
        expect(conn.ca).toBe(fabric.https!.ca);
        const res = await conn.fetch(`https://api-r-eu.localhost:${port}/_api/version`);
        expect(res.headers.get('x-gdn-region')).toBe('r-eu');
      } finally {
        await conn.close();
      }
    }
    const fromFront = await gdnConnection(`https://api-r-eu.localhost:${port}`);
    expect(fromFront.url).toBe(`https://r-eu.localhost:${port}`);
    await fromFront.close();
    await expect(gdnConnection('https://example.com:8443')).rejects.toThrow(/not a loopback name: pass \{ ca \}/);
    await expect(gdnConnection(fabric.region('r-eu').url())).rejects.toThrow(/has no HTTPS front door/);
  });

  it('of a --processes fabric: the front door runs in the parent and the children report its port', async () => {
    const data = mkdtempSync(join(tmpdir(), 'fabric-emu-connection-processes-'));
    const f = await startProcessFabric({ topology: testTopology(), dataDir: data, latency: false, log: () => undefined, https: true });
    const conn = await gdnConnection(f);
    try {
      expect(f.https!.caFile).toBe(join(data, 'tls', 'ca.pem'));
      const res = await conn.fetch(`https://api-r-eu.localhost:${f.https!.port}/datacenter/local`);
      expect(res.headers.get('x-gdn-region')).toBe('r-eu');
      expect(((await res.json()) as { tags: { url: string } }).tags.url).toBe(`r-eu.localhost:${f.https!.port}`);
    } finally {
      await conn.close();
      await f.close();
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('trustFabricProcessWide', () => {
  const canAddCa = typeof (tls as unknown as { setDefaultCACertificates?: unknown }).setDefaultCACertificates === 'function';

  it(canAddCa ? 'makes option-less https of this process reach the fabric, and undoes it' : 'on this Node says to start it with NODE_EXTRA_CA_CERTS, and leaves nothing changed', async () => {
    const conn = await gdnConnection(fabric);
    const dns = createRequire(import.meta.url)('node:dns') as { lookup: unknown };
    const lookup = dns.lookup;
    try {
      if (!canAddCa) {
        await expect(trustFabricProcessWide(conn)).rejects.toThrow(`start it with NODE_EXTRA_CA_CERTS=${fabric.https!.caFile}`);
        expect(dns.lookup).toBe(lookup);
        return;
      }
      const undo = await trustFabricProcessWide(conn);
      try {
        expect((await fetch(`https://api-r-eu.localhost:${fabric.https!.port}/_api/version`)).headers.get('x-gdn-region')).toBe('r-eu');
      } finally {
        undo();
      }
      expect(dns.lookup).toBe(lookup);
      const defaults = (tls as unknown as { getCACertificates: (kind: string) => string[] }).getCACertificates('default');
      expect(defaults).not.toContain(fabric.https!.ca);
    } finally {
      await conn.close();
    }
  });
});
