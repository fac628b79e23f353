import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerBodyParser } from '../../src/api/body.js';
import { registerErrorHandler } from '../../src/api/error-handler.js';
import { guardRequest } from '../../src/api/server-guard.js';
import { PopProxy } from '../../src/control/proxy.js';
import { envelopeProblem, rawRequest } from '../helpers/raw-http.js';

const LIMIT = 1000;
let pop: FastifyInstance | undefined;
let front: Server | undefined;
let proxy: PopProxy | undefined;
afterEach(async () => {
  proxy?.close();
  await new Promise((ok) => (front ? front.close(ok) : ok(undefined)));
  await pop?.close();
  pop = front = proxy = undefined;
});

/** A PoP on its own port (as in --processes mode) behind the proxy, both with the same body limit. */
async function behindProxy(): Promise<string> {
  pop = Fastify({ bodyLimit: LIMIT });
  registerErrorHandler(pop);
  registerBodyParser(pop);
  pop.post('/_api/echo', async (req) => ({ got: req.body }));
  await pop.listen({ host: '127.0.0.1', port: 0 });
  const target = { name: 'p', url: `http://127.0.0.1:${(pop.server.address() as AddressInfo).port}` };
  const p = (proxy = new PopProxy(LIMIT));
  front = createServer(guardRequest((req, res) => p.forward(req, res, target)));
  await new Promise<void>((ok) => front!.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
}

const post = (body: string, framing: 'length' | 'chunked') =>
  `POST /_api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n` +
  (framing === 'length' ? `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` : `Transfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);

describe('the proxy to a PoP on its own port', () => {
  it('refuses a body over the limit with 413 itself, instead of a 503 for a PoP that closed while it was sent', async () => {
    const base = await behindProxy();
    const big = JSON.stringify({ pad: 'x'.repeat(2_000_000) });
    for (const framing of ['length', 'chunked'] as const) {
      const r = await rawRequest(base, post(big, framing));
      expect(r.status, framing).toBe(413);
      expect(envelopeProblem(r), framing).toBeUndefined();
    }
    const ok = await rawRequest(base, post('{"a":1}', 'length'));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ got: { a: 1 } });
  });
});
