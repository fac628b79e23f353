/**
 * The fabric fuzzer (issue 9): seeded raw HTTP requests to every PoP port and the global port, for
 * every registered route and GDN endpoint in every path form, malformed in every way request-gen.ts
 * knows, in one-process mode and against a `--processes` fabric. The bar: no process dies, no 5xx
 * but the documented 501 of a GDN endpoint fabric-emu does not serve yet, every error answer is a
 * GDN envelope with a JSON content-type, and afterwards the fabric answers and converges.
 * FUZZ_SEED and FUZZ_HTTP_COUNT run it longer or elsewhere; the defaults keep CI at about a minute.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { endpointIndex, type EndpointIndex } from '../../src/api/endpoints.js';
import { GDN_ENDPOINTS } from '../../src/api/gdn-endpoints.js';
import { launchFabric, type LocalFabric } from '../../src/fabric/local-fabric.js';
import { startProcessFabric, type ProcessFabric } from '../../src/index.js';
import { standardData } from '../query/cases/index.js';
import { prng } from '../query/fuzz-gen.js';
import { call, eventually, get, useCredentials } from '../helpers/http.js';
import { envelopeProblem, rawRequest } from '../helpers/raw-http.js';
import { tempDir } from '../helpers/tmp.js';
import { testTopology } from '../helpers/topology.js';
import { pick, type Rnd } from './json-gen.js';
import { fuzzRequest, shapeOf, type FuzzRequest, type Names, type RouteShape } from './request-gen.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x9fab);
const COUNT = Number(process.env.FUZZ_HTTP_COUNT ?? 15_000);
/** Child processes cost more per request; they get a smaller share of the budget. */
const PROCESS_COUNT = Math.ceil(COUNT / 5);
const IN_FLIGHT = 8;

let local: LocalFabric | undefined;
let processes: ProcessFabric | undefined;
afterEach(async () => {
  await local?.close();
  await processes?.close();
  local = undefined;
  processes = undefined;
});

interface Target {
  name: string;
  base: string;
  shapes: RouteShape[];
}

interface Tally {
  sent: number;
  byClass: Record<string, number>;
  notImplemented: number;
  failures: string[];
}

/**
 * Every route the servers registered (collected by onRoute, api/endpoints.ts) and every GDN endpoint
 * of the catalogue no route serves (answered 501); the global port's own routes, its state-changing
 * ones marked, and, since it forwards everything outside /_emu to a PoP, the PoP's routes too.
 */
function shapes(popApp: EndpointIndex, globalApp: EndpointIndex): { pop: RouteShape[]; global: RouteShape[]; routes: number; unserved: number } {
  const popRoutes = popApp.routes().map((r) => shapeOf(r.method, r.path));
  const unserved = GDN_ENDPOINTS.filter((e) => !popApp.serves(e)).map((e) => shapeOf(e.method, e.path));
  const control = globalApp.routes().map((r) => shapeOf(r.method, r.path, r.method !== 'GET' && r.method !== 'HEAD' && r.path.startsWith('/_emu')));
  // Served routes weigh more than unserved ones: past the router is where requests do real work.
  const pop = [...popRoutes, ...popRoutes, ...popRoutes, ...unserved];
  return { pop, global: [...control, ...control, ...pop], routes: popRoutes.length + control.length, unserved: unserved.length };
}

const NAMES = (regions: readonly string[], apiKey: string): Names => ({
  collections: ['c', 'e', 'users', 'orders', 'coll', 'fz'],
  keys: ['k1', 'k2', 'ann', 'bob', 'o1', 'a'],
  regions,
  queries: ['q1', 'showAddresses'],
  apiKey,
});

function problem(req: FuzzRequest, r: { status: number; headers: Record<string, string>; body: string }): string | undefined {
  if (r.status === 0 && req.overlong && /ECONNRESET|EPIPE/.test(r.body)) return undefined;
  if (r.status === 0) return `no answer: the connection closed without a response (${r.body.slice(0, 120)})`;
  if (r.status >= 500) {
    const notImplemented = r.status === 501 && (req.method === 'HEAD' || /"errorNum":9\b/.test(r.body));
    if (!notImplemented) return `${r.status}: ${r.body.slice(0, 200)}`;
  }
  if (req.destructive && r.status < 400) return `a state-changing control route acted on a malformed request: ${r.status}`;
  return r.status >= 400 ? envelopeProblem(r, req.method) : undefined;
}

async function fuzz(targets: Target[], count: number, rnd: Rnd, names: Names): Promise<Tally> {
  const tally: Tally = { sent: 0, byClass: {}, notImplemented: 0, failures: [] };
  let next = 0;
  // Requests are drawn in one order whatever the timing, so a seed always sends the same set.
  const draw = () => {
    const t = pick(rnd, targets);
    return { t, req: fuzzRequest(rnd, pick(rnd, t.shapes), names, new URL(t.base).host) };
  };
  const worker = async () => {
    while (next < count) {
      next++;
      const { t, req } = draw();
      let r;
      try {
        r = await rawRequest(t.base, req.bytes);
      } catch (e) {
        r = { status: 0, headers: {}, body: String(e) };
      }
      tally.sent++;
      const cls = r.status === 0 ? 'none' : `${String(r.status)[0]}xx`;
      tally.byClass[cls] = (tally.byClass[cls] ?? 0) + 1;
      if (r.status === 501) tally.notImplemented++;
      const p = problem(req, r);
      if (p && tally.failures.length < 20) tally.failures.push(`${t.name}: ${req.line} -> ${p}; sent ${JSON.stringify(req.bytes.toString('latin1', 0, 400))}`);
      else if (p) tally.failures.push('');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return tally;
}

/** With the fabric's credentials (useCredentials). */
async function post(base: string, path: string, body: unknown): Promise<number> {
  return (await call('POST', `${base}${path}`, body)).status;
}

/** Collections and a saved query for the requests to reach past validation into real work. */
async function seedData(base: string): Promise<void> {
  for (const [name, docs] of Object.entries(standardData())) {
    await post(base, '/_api/collection', { name });
    if (docs.length) await post(base, `/_api/document/${name}`, docs);
  }
  for (const name of ['c', 'coll', 'fz']) await post(base, '/_api/collection', { name });
  await post(base, '/_api/collection', { name: 'e', type: 3 });
  await post(base, '/_api/document/c', [{ _key: 'k1', a: 1 }, { _key: 'k2', a: { b: 2 } }]);
  await post(base, '/_api/restql', { query: { name: 'q1', value: 'FOR d IN c RETURN d', parameter: {} } });
}

/** Every port answers, replication converges, and a write at one PoP reaches every other. */
async function expectHealthy(bases: string[], popBases: string[], wait: () => Promise<unknown>): Promise<void> {
  for (const b of bases) expect((await get(`${b}/_api/version`)).status, `${b} answers`).toBe(200);
  await wait();
  const key = `after-${Date.now()}`;
  expect(await post(popBases[0]!, '/_api/collection', { name: 'fuzz_after' })).toBeLessThan(500);
  await wait();
  expect(await post(popBases[0]!, '/_api/document/fuzz_after', { _key: key })).toBe(202);
  await eventually(async () => {
    for (const b of popBases) if ((await get(`${b}/_api/document/fuzz_after/${key}`)).status !== 200) return false;
    return true;
  }, 20_000);
  // Every replica of every collection the fuzzer wrote holds the same documents.
  const digest = async (b: string, c: string) => {
    const r = await call('POST', `${b}/_api/cursor`, { query: 'FOR d IN @@c SORT d._key RETURN d', bindVars: { '@c': c }, batchSize: 1000 });
    return r.status === 201 ? JSON.stringify((r.body as { result: unknown[] }).result) : `status ${r.status}`;
  };
  const list = (await get(`${popBases[0]}/_api/collection?excludeSystem=true`)).body as { result: { name: string }[] };
  await eventually(async () => {
    await wait();
    for (const { name } of list.result) {
      const first = await digest(popBases[0]!, name);
      for (const b of popBases.slice(1)) if ((await digest(b, name)) !== first) return false;
    }
    return true;
  }, 20_000);
}

function report(mode: string, seed: number, s: { routes: number; unserved: number }, tally: Tally, ms: number): void {
  const classes = Object.entries(tally.byClass).sort().map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`fabric fuzz (${mode}): seed ${seed}, ${s.routes} registered routes and ${s.unserved} unserved GDN endpoints, ${tally.sent} requests in ${(ms / 1000).toFixed(1)} s: ${classes} (of the 5xx, 501 not implemented: ${tally.notImplemented}); ${tally.failures.length} failures`);
}

describe('fabric fuzz: no request crashes a process, answers a 5xx or an error without the GDN envelope', () => {
  it(`one process: every PoP and the global port, ${COUNT} requests`, async () => {
    const crashes: string[] = [];
    const onCrash = (e: unknown) => crashes.push(String((e as Error)?.stack ?? e));
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    try {
      const f = (local = await launchFabric({ topology: testTopology({ regions: 3 }), latency: false, bodyLimit: 256 * 1024, warn: () => undefined }));
      useCredentials(f);
      const popBases = f.regions.map((r) => r.url());
      await seedData(popBases[0]!);
      await f.waitForReplication();
      const s = shapes(endpointIndex(f.regions[0]!.app)!, endpointIndex(f.globalApp)!);
      const targets = [...f.regions.map((r) => ({ name: r.name, base: r.url(), shapes: s.pop })), { name: 'global', base: f.globalUrl(), shapes: s.global }];
      const started = performance.now();
      const tally = await fuzz(targets, COUNT, prng(SEED), NAMES(f.regions.map((r) => r.name), f.credentials.apiKey));
      report('one process', SEED, s, tally, performance.now() - started);
      expect(crashes).toEqual([]);
      expect(tally.failures.slice(0, 20)).toEqual([]);
      await expectHealthy([...popBases, f.globalUrl()], popBases, () => f.waitForReplication({ timeoutMs: 20_000 }));
    } finally {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    }
  }, 180_000);

  it(`--processes: one child process per PoP, ${PROCESS_COUNT} requests`, async () => {
    const lines: string[] = [];
    const topology = testTopology({ regions: 2 });
    const f = (processes = await startProcessFabric({ topology, dataDir: tempDir('fuzz'), latency: false, log: (l) => lines.push(l) }));
    const popBases = topology.regions.map((r) => f.regionUrl(r.name));
    useCredentials(f, popBases);
    await seedData(popBases[0]!);
    await f.waitForReplication();
    // The children run the same code as a PoP built here; its routes are theirs.
    const probe = (local = await launchFabric({ topology: testTopology({ regions: 2 }), latency: false }));
    const s = shapes(endpointIndex(probe.regions[0]!.app)!, endpointIndex(probe.globalApp)!);
    await probe.close();
    local = undefined;
    const targets = [...topology.regions.map((r) => ({ name: r.name, base: f.regionUrl(r.name), shapes: s.pop })), { name: 'global', base: f.globalUrl(), shapes: s.global }];
    const rnd = prng(SEED + 1);
    const started = performance.now();
    const tally = await fuzz(targets, PROCESS_COUNT, rnd, NAMES(topology.regions.map((r) => r.name), f.credentials.apiKey));
    report('--processes', SEED + 1, s, tally, performance.now() - started);
    expect(tally.failures.slice(0, 20)).toEqual([]);
    expect((await f.status()).regions.map((r) => r.state)).toEqual(topology.regions.map(() => 'serving'));
    expect(lines.filter((l) => /exited|uncaught|fatal/i.test(l))).toEqual([]);
    await expectHealthy([...popBases, f.globalUrl()], popBases, () => f.waitForReplication({ timeoutMs: 20_000 }));
  }, 180_000);
});
