import { createServer, type Server } from 'node:http';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../src/api/error-handler.js';
import { guardApp, guardedOptions, guardRequest, guardServer, guardUpgrade } from '../../src/api/server-guard.js';
import { startFabric, type Fabric } from '../../src/index.js';
import { envelopeProblem, rawRequest } from '../helpers/raw-http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
let server: Server | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  server = undefined;
});

const req = (line: string, headers = '', body = '') => `${line}\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n${body}`;

/** Requests that used to end the process, or to be answered outside the GDN envelope, and what each gets now. */
const CASES: [string, string, number][] = [
  ['a malformed escape in the tenant', req('GET /_tenant/%ZZ/_api/version HTTP/1.1'), 200],
  ['a truncated UTF-8 escape in the tenant', req('GET /_tenant/%E0%A4%A/_api/version HTTP/1.1'), 200],
  ['a lone % as the tenant', req('GET /_tenant/%/_api/version HTTP/1.1'), 200],
  ['a malformed escape in a path parameter (FST_ERR_BAD_URL)', req('GET /_api/document/c/%ZZ HTTP/1.1'), 400],
  ['a path parameter over the router limit', req(`GET /_api/document/c/${'k'.repeat(2000)} HTTP/1.1`), 414],
  ['headers over 16 KiB', req('GET /_api/version HTTP/1.1', `X-Big: ${'a'.repeat(20_000)}\r\n`), 431],
  ['a method HTTP does not know', req('FOO /_api/version HTTP/1.1'), 400],
  ['a method no route has', req('PROPFIND /_api/version HTTP/1.1'), 405],
  ['CONNECT', req('CONNECT localhost:80 HTTP/1.1'), 405],
  ['no request line at all', 'garbage\r\n\r\n', 400],
  ['a malformed Content-Length', req('POST /_api/collection HTTP/1.1', 'Content-Length: abc\r\n'), 400],
  ['an upgrade to nowhere', req('GET /_api/version HTTP/1.1', 'Upgrade: websocket\r\nConnection: Upgrade\r\n').replace('Connection: close\r\n', ''), 404],
  ['an upgrade to the control API', req('GET /_emu/health HTTP/1.1', 'Upgrade: h2c\r\nConnection: Upgrade\r\n').replace('Connection: close\r\n', ''), 404],
];

function ports(f: Fabric): string[] {
  return [...f.regions.map((r) => r.url()), f.globalUrl()];
}

describe('no request kills a process: every server answers what reaches it outside a route', () => {
  it('every PoP port and the global port answer each case with the GDN envelope and keep serving', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    for (const base of ports(f)) {
      for (const [what, bytes, status] of CASES) {
        const r = await rawRequest(base, bytes);
        expect(r.status, `${what} at ${base}`).toBe(status);
        if (status >= 400) expect(envelopeProblem(r), `${what} at ${base}`).toBeUndefined();
      }
    }
    for (const base of ports(f)) expect((await fetch(`${base}/_api/version`)).status).toBe(200);
  });

  it('a replication upgrade the WebSocket server refuses (no key) gets the envelope too', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    for (const r of f.regions) {
      const reply = await rawRequest(r.url(), req('GET /_emu/replication HTTP/1.1', 'Upgrade: websocket\r\nConnection: Upgrade\r\n').replace('Connection: close\r\n', ''));
      expect(reply.status).toBe(400);
      expect(envelopeProblem(reply)).toBeUndefined();
    }
  });

  it('a HEAD never carries a body, whether Fastify, the upgrade path or the forwarder answers it', async () => {
    const f = (fabric = await startFabric({ topology: testTopology(), latency: false }));
    for (const base of ports(f)) {
      for (const bytes of [
        req('HEAD /_api/nothing HTTP/1.1'),
        req('HEAD /_api/version HTTP/1.1', 'Content-Length: abc\r\n'),
        req('HEAD /_api/version HTTP/1.1', 'Content-Length: 5\r\n', 'hello'),
        req('HEAD /_api/version HTTP/1.1', 'Upgrade: websocket\r\nConnection: Upgrade\r\n').replace('Connection: close\r\n', ''),
        req('HEAD /_api/version HTTP/1.1', 'Upgrade: websocket\r\nConnection: Upgrade\r\n').replace('Connection: close\r\n', '').replace('localhost', 'evil.example'),
      ]) {
        const r = await rawRequest(base, bytes);
        expect(r.status, `${bytes.split('\r\n')[0]} at ${base}`).toBeGreaterThan(0);
        expect(r.body, `${bytes.split('\r\n')[0]} at ${base}`).toBe('');
      }
    }
  });

  it('a URL rewrite that throws answers 400 instead of ending the process', async () => {
    const app = Fastify({
      ...guardedOptions(() => {
        throw new URIError('URI malformed');
      }),
    });
    guardApp(app);
    registerErrorHandler(app);
    app.get('/', async () => 'reached');
    const r = await app.inject({ method: 'GET', url: '/anything' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: true, code: 400, errorNum: 10, errorMessage: "malformed URL '/anything': URI malformed" });
    await app.close();
  });

  it('a raw request handler or an upgrade handler that throws answers the envelope, and the server keeps serving', async () => {
    const errors: string[] = [];
    const s = (server = createServer(
      guardRequest((rq) => {
        if (rq.url === '/async') return Promise.reject(new Error('async boom'));
        throw new Error('boom');
      }, (m) => errors.push(m)),
    ));
    guardServer(s, { clientErrors: true });
    s.on('upgrade', guardUpgrade(() => {
      throw new Error('upgrade boom');
    }, (m) => errors.push(m)));
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
    for (const [bytes, status] of [
      [req('GET / HTTP/1.1'), 500],
      [req('GET /async HTTP/1.1'), 500],
      [req('GET / HTTP/1.1', 'Upgrade: websocket\r\nConnection: Upgrade\r\n').replace('Connection: close\r\n', ''), 500],
      [req('CONNECT localhost:80 HTTP/1.1'), 405],
      ['garbage\r\n\r\n', 400],
    ] as const) {
      const r = await rawRequest(base, bytes);
      expect(r.status, bytes.split('\r\n')[0]).toBe(status);
      expect(envelopeProblem(r)).toBeUndefined();
    }
    expect(errors.map((e) => e.split('\n')[0])).toEqual(['GET / failed: Error: boom', 'GET /async failed: Error: async boom', 'upgrade of GET / failed: Error: upgrade boom']);
  });
});
