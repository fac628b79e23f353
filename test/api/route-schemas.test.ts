import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validatorCompiler } from '../../src/api/validation.js';
import { buildControlApp } from '../../src/control/server.js';
import { objectKeys } from '../../src/core/zod-issues.js';
import { allowedHostsFromEnv } from '../../src/api/host-guard.js';
import { startFabric, type Fabric } from '../../src/index.js';
import { TEST_SECRET, testRegion, type TestRegion } from '../helpers/client.js';
import { testTopology } from '../helpers/topology.js';

/**
 * Every route a PoP (and the control server) registers, found by Fastify's onRoute hook rather than
 * listed here, gets a wrong-typed body, a wrong-typed value for each query parameter it declares
 * and a bad value for each path parameter: each answer is a 4xx GDN envelope, never a 5xx. The
 * query and path probes carry a body the route accepts (its schema's example, or {} or []), so that
 * it is the probed value that gets judged, not a missing body.
 */
const BAD = 'no such!';

interface Probe {
  route: string;
  what: string;
  method: string;
  url: string;
  payload?: string;
}

function methods(r: RouteOptions): string[] {
  return Array.isArray(r.method) ? r.method : [r.method];
}

function pathParams(url: string): string[] {
  return [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

function schemaOf(r: RouteOptions, part: 'params' | 'querystring' | 'body'): z.core.$ZodType | undefined {
  return (r.schema as Record<string, z.core.$ZodType | undefined> | undefined)?.[part];
}

/** A body the route's schema accepts, as JSON; undefined when it declares none. */
function validBody(r: RouteOptions): string | undefined {
  const schema = schemaOf(r, 'body');
  if (!schema) return undefined;
  const example = (z.globalRegistry.get(schema) as { example?: unknown } | undefined)?.example;
  const found = [example, {}, []].find((b) => b !== undefined && z.safeParse(schema, b).success);
  if (found === undefined) throw new Error(`${r.url}: give the body schema an example the schema accepts`);
  return JSON.stringify(found);
}

/** Probes for one route, given the valid value of each path parameter name. */
function probes(r: RouteOptions, valid: Record<string, string>): Probe[] {
  const fill = (bad?: string) => r.url.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(p === bad ? BAD : (valid[p] ?? 'x')));
  const body = validBody(r);
  const withBody = body === undefined ? {} : { payload: body };
  const out: Probe[] = [];
  for (const method of methods(r)) {
    const base = { route: `${method} ${r.url}`, method };
    if (method !== 'GET' && method !== 'HEAD') out.push({ ...base, what: 'a wrong-typed body (42)', url: fill(), payload: '42' });
    for (const q of objectKeys(schemaOf(r, 'querystring'))) {
      out.push({ ...base, ...withBody, what: `query ${q}=${BAD}`, url: `${fill()}?${q}=${encodeURIComponent(BAD)}` });
    }
    for (const p of pathParams(r.url)) out.push({ ...base, ...withBody, what: `path parameter ${p}=${BAD}`, url: fill(p) });
  }
  return out;
}

/**
 * The probe must get a 4xx envelope when the route declares the part it breaks; a wrong body sent
 * to a route that reads none may pass, but never as a 5xx. `setup` runs before each probe, since
 * probes with valid parts do what the route does (drop the collection, kill the region).
 */
async function failures(app: FastifyInstance, routes: RouteOptions[], valid: Record<string, string>, setup = async () => {}, headers: Record<string, string> = {}): Promise<string[]> {
  const bad: string[] = [];
  for (const r of routes) {
    for (const p of probes(r, valid)) {
      await setup();
      const res = await app.inject({ method: p.method as 'GET', url: p.url, headers: { 'content-type': 'application/json', ...headers }, ...(p.payload ? { payload: p.payload } : {}) });
      const declared = p.payload !== '42' || schemaOf(r, 'body') !== undefined;
      const where = `${p.route} with ${p.what}: ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (res.statusCode >= 500) bad.push(where);
      else if (declared && res.statusCode < 400) bad.push(where);
      else if (res.statusCode >= 400 && p.method !== 'HEAD') {
        const body = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
        const envelope = body['error'] === true && body['code'] === res.statusCode && typeof body['errorNum'] === 'number' && typeof body['errorMessage'] === 'string';
        if (!envelope || !String(res.headers['content-type']).startsWith('application/json')) bad.push(`${where} (not a GDN envelope)`);
      }
    }
  }
  return bad;
}

/** Declared path parameters are exactly those of the URL, so handlers and the OpenAPI document agree. */
function undeclaredParams(routes: RouteOptions[]): string[] {
  const sorted = (xs: string[]) => [...xs].sort().join();
  return routes
    .filter((r) => sorted(pathParams(r.url)) !== sorted(objectKeys(schemaOf(r, 'params'))))
    .map((r) => `${methods(r).join(',')} ${r.url}: params schema has [${objectKeys(schemaOf(r, 'params')).join(', ')}]`);
}

describe('every PoP route validates its input', () => {
  let t: TestRegion;
  const fixtures = async () => {
    await t.client.post('/_api/collection', { name: 'c' });
    await t.client.post('/_api/document/c', { _key: 'k' });
    // A key of its own for the /_api/key/{keyid} probes, so that deleting it spares the client's.
    await t.client.post('/_api/key', { keyid: 'probe' });
  };
  beforeAll(async () => {
    t = await testRegion();
  });
  afterAll(async () => t.close());

  it('finds the routes through onRoute', () => {
    const urls = new Set(t.routes.map((r) => r.url));
    expect(t.routes.length).toBeGreaterThan(40);
    for (const u of ['/_fabric/:fabric/document/:collection', '/_fabric/:fabric/cursor', '/_emu/region/links/:peer', '/_fabric/:fabric/openapi.json']) expect(urls).toContain(u);
  });

  it('declares a params schema matching each URL', () => {
    expect(undeclaredParams(t.routes)).toEqual([]);
  });

  it('answers wrong-typed bodies, query values and path parameters with a 4xx envelope', async () => {
    const peer = t.region.spec.name === 'gdn-us-west' ? 'gdn-us-east' : 'gdn-us-west';
    const valid = { fabric: '_system', collection: 'c', name: 'c', key: 'k', id: '1', type: 'persistent', dc: t.region.spec.name, tenant: '_mm', peer, keyid: 'probe', user: 'root', db: '_system', coll: 'c', stream: 's' };
    // The internal /_emu/region routes answer only the fabric's own secret; with it, their schemas are what the probes meet.
    // With credentials, so that the probes meet the schemas and handlers rather than the 401 in front of them.
    expect(await failures(t.region.app, t.routes, valid, fixtures, { 'x-fabric-emu-secret': TEST_SECRET, authorization: t.client.authorization! })).toEqual([]);
  });
});

describe('every control route validates its input', () => {
  let fabric: Fabric;
  let app: FastifyInstance;
  const routes: RouteOptions[] = [];
  beforeAll(async () => {
    fabric = await startFabric({ topology: testTopology(), latency: false });
    app = buildControlApp(fabric, { topology: fabric.topology, targets: () => [], allowedHosts: allowedHostsFromEnv(), bodyLimit: 1024 * 1024 });
    app.addHook('onRoute', (r) => void routes.push(r));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await fabric.close();
  });

  it('answers wrong-typed bodies, query values and path parameters with a 4xx envelope', async () => {
    expect(routes.map((r) => r.url)).toContain('/_emu/partition');
    expect(undeclaredParams(routes)).toEqual([]);
    const restart = async () => {
      if (fabric.region('r-eu').state() === 'killed') await fabric.restart('r-eu');
    };
    expect(await failures(app, routes, { from: 'r-east', to: 'r-eu', name: 'r-eu' }, restart)).toEqual([]);
  });
});

it('the probes catch a route that declares a body but accepts anything', async () => {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (r) => void routes.push(r));
  app.post('/x', { schema: { body: z.unknown() } }, async () => ({ ok: true }));
  await app.ready();
  expect(await failures(app, routes, {})).toEqual(['POST /x with a wrong-typed body (42): 200 {"ok":true}']);
  await app.close();
});
