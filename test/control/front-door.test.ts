import { Agent, request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateNames } from '../../src/core/gdn-hosts.js';
import { proofOf } from '../../src/replication/handshake.js';
import { PROTOCOL_VERSION } from '../../src/replication/protocol.js';
import { loadTls } from '../../src/tls/index.js';
import { gdnConnection, startFabric, type Fabric, type GdnConnection } from '../../src/index.js';
import { curl } from '../helpers/curl.js';
import { testTopology } from '../helpers/topology.js';

const SECRET = 'front-door-test-secret-0123456789';
let fabric: Fabric;
let conn: GdnConnection;
let dir: string;
let caFile: string;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fabric-emu-front-door-'));
  fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false, secret: SECRET, https: { port: 0, certDir: join(dir, 'tls') } });
  conn = await gdnConnection(fabric);
  caFile = fabric.https!.caFile!;
  port = fabric.https!.port;
}, 60_000);
afterAll(async () => {
  await conn?.close();
  await fabric?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One HTTPS request through node:https with the helper's agent, answering status, region and body. */
function viaAgent(url: string, headers: Record<string, string> = {}): Promise<{ status: number; region: string | undefined; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent: conn.agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, region: res.headers['x-gdn-region'] as string | undefined, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTPS front door', () => {
  it('curl --cacert reaches a region by api-<region>.localhost and by <region>.localhost', async () => {
    for (const host of [`api-r-eu.localhost:${port}`, `r-eu.localhost:${port}`]) {
      const r = await curl(['--cacert', caFile, `https://${host}/_api/version`]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(200);
      expect(r.headers['x-gdn-region']).toBe('r-eu');
      expect(r.body.server).toBe('C8DB');
    }
    // Without the CA, curl refuses the certificate: the trust really comes from --cacert.
    expect((await curl([`https://api-r-eu.localhost:${port}/_api/version`])).exit).toBe(60);
  });

  it('api-gdn.localhost and gdn.localhost are the global URL: the live PoP nearest the client', async () => {
    const r = await curl(['--cacert', caFile, '-H', `authorization: apikey ${fabric.credentials.apiKey}`, '-H', 'x-gdn-client-region: r-ap', `https://api-gdn.localhost:${port}/datacenter/local`]);
    expect(r.body).toMatchObject({ name: 'r-ap', local: true });
    expect((await viaAgent(`https://gdn.localhost:${port}/_api/version`, { 'x-gdn-client-region': 'r-eu' })).region).toBe('r-eu');
    await fabric.kill('r-eu');
    try {
      expect((await viaAgent(`https://gdn.localhost:${port}/_api/version`, { 'x-gdn-client-region': 'r-eu' })).region).not.toBe('r-eu');
      const direct = await viaAgent(`https://api-r-eu.localhost:${port}/_api/version`);
      expect(direct.status).toBe(503);
      expect(direct.body.errorMessage).toMatch(/PoP r-eu is killed or stopped/);
    } finally {
      await fabric.restart('r-eu');
    }
  });

  it('answers a host name that routes nowhere with the GDN envelope, and a foreign one with 403', async () => {
    const nowhere = await curl(['--cacert', caFile, '-H', `Host: api-r-mars.localhost:${port}`, `https://api-gdn.localhost:${port}/_api/version`]);
    expect(nowhere.status).toBe(404);
    expect(nowhere.body).toMatchObject({ error: true, code: 404, errorNum: 404 });
    expect(nowhere.body.errorMessage).toMatch(/host 'api-r-mars.localhost' routes nowhere: .*r-east, r-eu, r-ap/);
    const foreign = await curl(['--cacert', caFile, '-H', 'Host: evil.example', `https://api-gdn.localhost:${port}/_api/version`]);
    expect(foreign.status).toBe(403);
    expect(foreign.body.errorMessage).toMatch(/host 'evil.example' is not allowed here/);
    const crossSite = await curl(['--cacert', caFile, '-X', 'POST', '-H', 'Origin: https://evil.example', `https://api-r-east.localhost:${port}/_api/collection`, '-d', '{"name":"x"}']);
    expect(crossSite.status).toBe(403);
  });

  it("locationInfo.url with https:// prefixed reaches that region, as the tutorial's region switch does", async () => {
    const all = await conn.fetch(`${conn.apiUrl}/datacenter/all`);
    const dcs = (await all.json()) as { name: string; host: string; port: number; tags: { api: string; url: string }; locationInfo: { url: string } }[];
    expect(dcs.map((d) => d.locationInfo.url)).toEqual(['r-east', 'r-eu', 'r-ap'].map((n) => `${n}.localhost:${port}`));
    for (const dc of dcs) {
      expect(dc.tags).toMatchObject({ api: `api-${dc.name}.localhost:${port}`, url: `${dc.name}.localhost:${port}` });
      expect(dc.port).toBe(fabric.region(dc.name).port());
      const res = await conn.fetch(`https://${dc.locationInfo.url}/datacenter/local`);
      expect(res.headers.get('x-gdn-region')).toBe(dc.name);
      expect(((await res.json()) as { name: string }).name).toBe(dc.name);
      const viaCurl = await curl(['--cacert', caFile, `https://${dc.locationInfo.url}/_api/version`]);
      expect(viaCurl.headers['x-gdn-region']).toBe(dc.name);
    }
  });

  it('carries writes and large bodies both ways', async () => {
    const created = await conn.fetch(`https://api-r-east.localhost:${port}/_fabric/_system/_api/collection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'through_tls' }),
    });
    expect(created.status).toBe(200);
    const doc = await conn.fetch(`https://api-r-east.localhost:${port}/_fabric/_system/_api/document/through_tls`, { method: 'POST', body: JSON.stringify({ big: 'x'.repeat(200_000) }) });
    const meta = (await doc.json()) as { _key: string };
    const back = await conn.fetch(`https://api-r-east.localhost:${port}/_fabric/_system/_api/document/through_tls/${meta._key}`);
    expect(((await back.json()) as { big: string }).big.length).toBe(200_000);
  });

  it('passes a WebSocket upgrade through: a replication hello at a PoP gets its challenge back', async () => {
    const ws = new WebSocket(`wss://api-r-eu.localhost:${port}/_emu/replication`, { ca: conn.ca, lookup: conn.lookup } as WebSocket.ClientOptions);
    const nonce = 'ab'.repeat(16);
    const frame = await new Promise<{ t: string; nonce: string; proof: string }>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, t: 'hello', from: 'r-east', to: 'r-eu', nonce, epoch: 'e' })));
      ws.on('message', (m) => resolve(JSON.parse(String(m))));
      ws.on('error', reject);
    });
    ws.terminate();
    expect(frame.t).toBe('challenge');
    // The proof is the PoP's own, made with the fabric's secret: the frames really reached r-eu.
    expect(frame.proof).toBe(proofOf(SECRET, 'receiver', 'r-east', 'r-eu', nonce, frame.nonce));
  });

  it('relays a PoP refusing an upgrade, and refuses one to a host that routes nowhere', async () => {
    const status = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { ca: conn.ca, lookup: conn.lookup, headers } as WebSocket.ClientOptions);
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('error', () => undefined);
      });
    expect(await status(`wss://api-r-eu.localhost:${port}/no/such/socket`)).toBe(404);
    expect(await status(`wss://api-r-eu.localhost:${port}/_emu/replication`, { host: `api-r-moon.localhost:${port}` })).toBe(404);
  });

  /** Raw bytes over TLS to the front door: what neither fetch nor node:https would send. */
  const rawTls = (bytes: string, servername = 'gdn.localhost') => new Promise<{ status: number; head: string; body: string }>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername, ca: conn.ca }, () => s.write(bytes));
    let text = '';
    s.on('data', (d) => (text += String(d)));
    s.on('end', () => {
      const at = text.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1.1 (\d{3}) /.exec(text)?.[1] ?? 0), head: text.slice(0, at).toLowerCase(), body: text.slice(at + 4) });
    });
    s.on('error', reject);
  });

  it('routes by Host when the ClientHello names another PoP, or none (an IP address)', async () => {
    const get = (host: string) => `GET /_api/version HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`;
    const toAp = await rawTls(get('api-r-ap.localhost'), 'api-r-eu.localhost');
    expect(toAp.status).toBe(200);
    expect(toAp.head).toContain('x-gdn-region: r-ap');
    const body = '{"name":"routed_by_host"}';
    const post = `POST /_fabric/_system/_api/collection HTTP/1.1\r\nHost: api-r-east.localhost:${port}\r\nAuthorization: apikey ${fabric.credentials.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const created = await rawTls(post, 'r-ap.localhost');
    expect(created.status).toBe(200);
    expect(created.head).toContain('x-gdn-region: r-east');
    const nowhere = await rawTls(get('api-r-mars.localhost'), 'api-r-eu.localhost');
    expect(nowhere.status).toBe(404);
    expect(JSON.parse(nowhere.body).errorMessage).toMatch(/routes nowhere/);
    const byIp = await new Promise<number>((resolve, reject) => {
      // No server name at all: the certificate is still valid for 127.0.0.1, and Host decides.
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/_api/version', ca: conn.ca, headers: { host: `api-r-eu.localhost:${port}` } }, (res) => {
        res.resume();
        expect(res.headers['x-gdn-region']).toBe('r-eu');
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(byIp).toBe(200);
  });

  it('answers 503 on a kept-alive connection to a PoP while it is killed, and reaches it again after the restart', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: conn.ca, lookup: conn.lookup });
    const once = () => new Promise<{ status: number; region: unknown; reused: boolean; body: string }>((resolve, reject) => {
      const req = httpsRequest(`https://api-r-eu.localhost:${port}/_api/version`, { agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, region: res.headers['x-gdn-region'], reused: req.reusedSocket, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    try {
      expect(await once()).toMatchObject({ status: 200, region: 'r-eu' });
      await fabric.kill('r-eu');
      try {
        const down = await once();
        expect(down).toMatchObject({ status: 503, reused: true });
        expect(JSON.parse(down.body).errorMessage).toMatch(/PoP r-eu is killed or stopped/);
      } finally {
        await fabric.restart('r-eu');
      }
      expect(await once()).toMatchObject({ status: 200, region: 'r-eu', reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('answers what no handler sees (unparseable, oversized headers, CONNECT) with the envelope, and a HEAD without a body', async () => {
    const host = `Host: gdn.localhost:${port}\r\n`;
    for (const [bytes, status, errorNum] of [
      ['NOT HTTP AT ALL\r\n\r\n', 400, 10],
      [`GET /_api/version HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 431],
      [`CONNECT localhost:80 HTTP/1.1\r\n${host}\r\n`, 405, 405],
    ] as const) {
      const r = await rawTls(bytes);
      expect(r.status, bytes.slice(0, 20)).toBe(status);
      expect(JSON.parse(r.body), bytes.slice(0, 20)).toMatchObject({ error: true, code: status, errorNum });
    }
    for (const h of [`Host: nowhere.localhost:${port}\r\n`, `Host: evil.example\r\n`]) {
      const r = await rawTls(`HEAD /_api/version HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n`);
      expect(r.status, h).toBeGreaterThanOrEqual(400);
      expect(r.body, h).toBe('');
    }
    expect((await curl(['--cacert', caFile, `https://gdn.localhost:${port}/_api/version`])).status).toBe(200);
  });

  it('serves its CA certificate unauthenticated, on every name and on the plain global port', async () => {
    for (const name of ['localhost', 'api-r-eu.localhost', 'r-ap.localhost']) {
      const pem = await curl(['--cacert', caFile, `https://${name}:${port}/_emu/ca.pem`]);
      expect(pem.body, name).toBe(fabric.https!.ca);
    }
    const plain = await fetch(`${fabric.globalUrl()}/_emu/ca.pem`);
    expect(await plain.text()).toBe(fabric.https!.ca);
    const info = (await (await fetch(`${fabric.globalUrl()}/_emu/https`)).json()) as { port: number; caFile: string };
    expect(info).toMatchObject({ port, caFile, url: `https://gdn.localhost:${port}` });
  });
});

describe('a fabric without a front door', () => {
  it('names the plain ports in /datacenter/* and says why, and has no CA to download', async () => {
    const plain = await startFabric({ topology: testTopology(), latency: false });
    try {
      expect(plain.https).toBeUndefined();
      const dc = (await (await fetch(`${plain.region('r-eu').url()}/datacenter/local`, { headers: { authorization: `apikey ${plain.credentials.apiKey}` } })).json()) as { tags: { url: string; note: string } };
      expect(dc.tags.url).toBe(`r-eu.localhost:${plain.region('r-eu').port()}`);
      expect(dc.tags.note).toMatch(/no HTTPS front door/);
      const ca = await fetch(`${plain.globalUrl()}/_emu/ca.pem`);
      expect(ca.status).toBe(404);
      await expect(gdnConnection(plain)).rejects.toThrow(/runs no HTTPS front door/);
    } finally {
      await plain.close();
    }
  });
});

describe('a data dir holding an expired certificate', () => {
  it('starts with a fresh one from the same CA', async () => {
    const data = mkdtempSync(join(tmpdir(), 'fabric-emu-expired-'));
    try {
      const old = loadTls({ dir: join(data, 'tls'), names: certificateNames(['r-east', 'r-eu']), now: Date.now() - 900 * 86_400_000 });
      const f = await startFabric({ topology: testTopology(), latency: false, dataDir: data, https: true });
      try {
        expect(f.https!.made).toEqual([expect.stringMatching(/^server certificate \(expired on /)]);
        expect(f.https!.ca).toBe(old.ca);
        const r = await curl(['--cacert', f.https!.caFile!, `https://api-r-east.localhost:${f.https!.port}/_api/version`]);
        expect(r.status).toBe(200);
      } finally {
        await f.close();
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});
