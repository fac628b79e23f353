import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointIndex } from '../../src/api/endpoints.js';
import { createRegion } from '../../src/region/region.js';
import { defaultTopology } from '../../src/topology/index.js';
import { TEST_SECRET, testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeAll(async () => {
  t = await testRegion();
  await t.client.post('/_api/collection', { name: 'c' });
  await t.client.post('/_api/document/c', { _key: 'k', text: 'héllo' });
});
afterAll(async () => t.close());

const auth = () => ({ authorization: t.client.authorization as string });
const inject = (method: 'GET' | 'HEAD' | 'PATCH', url: string) => t.region.app.inject({ method, url, headers: auth() });

describe('HEAD through the GET routes', () => {
  it('registers no HEAD route, yet the endpoint index serves HEAD wherever GET is served', () => {
    expect(t.routes.filter((r) => r.method === 'HEAD' || (Array.isArray(r.method) && r.method.includes('HEAD')))).toEqual([]);
    const routes = endpointIndex(t.region.app)!.routes();
    const gets = routes.filter((r) => r.method === 'GET').map((r) => r.path).sort();
    expect(gets.length).toBeGreaterThan(40);
    expect(routes.filter((r) => r.method === 'HEAD').map((r) => r.path).sort()).toEqual(gets);
  });

  it.each(['/_api/version', '/_api/collection/c', '/_api/collection', '/_api/document/c/k', '/_api/kv'])('HEAD %s: the GET status and headers, no body', async (path) => {
    const get = await inject('GET', path);
    const head = await inject('HEAD', path);
    expect(head.statusCode).toBe(get.statusCode);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect(head.headers['x-gdn-region']).toBe(t.region.name);
    if (path === '/_api/document/c/k') expect(head.headers['etag']).toBe(get.headers['etag']);
  });

  it('answers errors with the GET status and no body: unknown collection 404, missing credentials 401', async () => {
    expect([(await inject('HEAD', '/_api/collection/none')).statusCode, (await inject('HEAD', '/_api/collection/none')).body]).toEqual([404, '']);
    const anon = await t.region.app.inject({ method: 'HEAD', url: '/_api/collection/c' });
    expect([anon.statusCode, anon.body]).toEqual([401, '']);
  });

  it('is still refused where only other methods are served, and listed in Allow where GET is', async () => {
    const onPostOnly = await inject('HEAD', '/_api/cursor');
    expect(onPostOnly.statusCode).toBe(405);
    expect(onPostOnly.headers['allow']).not.toContain('HEAD');
    const patch = await inject('PATCH', '/_api/version');
    expect(patch.statusCode).toBe(405);
    expect(patch.headers['allow']).toBe('GET, HEAD');
  });
});

describe('HEAD over a real port', () => {
  it('answers with the content-length of the GET and keeps the connection usable', async () => {
    const topology = defaultTopology();
    const region = createRegion({ topology, name: topology.regions[0]!.name, dataDir: undefined, latency: false, host: '127.0.0.1', secret: TEST_SECRET, auth: false });
    try {
      const port = await region.listen({ replicate: false });
      const url = `http://127.0.0.1:${port}/_api/version`;
      const get = await fetch(url);
      const body = await get.text();
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      expect(await head.text()).toBe('');
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await region.close();
    }
  });
});
