/**
 * The floor under the fixture's start-up figure (bench/fixture.js), in a fresh process: the same
 * number of worker threads as startFabric() starts, each loading a bundle of Fastify and
 * better-sqlite3 from a code cache as a PoP thread does, and building as many Fastify apps as it has
 * PoPs, with a PoP's routes (read from a PoP built before the clock starts) and a SQLite database
 * each, then one request. No replication, storage, auth or control server: what the thread-per-PoP
 * design costs on this machine before any of fabric-emu's own work.
 * Then, FRESH_ROUNDS times, every thread closes its apps and builds them anew, as a fresh fabric on
 * kept threads does. Usage: node bench/child-floor.js <bundle.cjs> <apps> <threads>.
 * Prints { firstAnswerMs, freshMs[] }.
 */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { endpointIndex } from '../dist/api/endpoints.js';
import { presetTopology } from '../dist/index.js';
import { createRegion } from '../dist/region/region.js';

const [bundleArg, appsArg, threadsArg] = process.argv.slice(2);
const bundle = resolve(bundleArg);
const apps = Number(appsArg);
const threads = Number(threadsArg);
const ENTRY = fileURLToPath(new URL('./floor-entry.js', import.meta.url));
/** Fresh rounds: the threads' apps closed and built anew, as a fresh fabric on kept threads. */
const FRESH_ROUNDS = 5;

const topology = presetTopology('seed-4');
const pop = createRegion({ name: topology.regions[0].name, topology, latency: false, host: '127.0.0.1', dataDir: undefined, secret: 'floor-secret-of-the-bench-run' });
await pop.app.ready();
const routes = endpointIndex(pop.app).routes()
  .filter((r) => r.method !== 'HEAD')
  .map((r) => ({ method: r.method, url: r.path.split('/').map((s, i) => (s === '{}' ? `:p${i}` : s)).join('/') }));
await pop.close();

const t0 = performance.now();
const ports = await Promise.all(Array.from({ length: threads }, (_v, i) => new Promise((resolve, reject) => {
  const mine = Math.floor(apps / threads) + (i < apps % threads ? 1 : 0);
  const w = new Worker(ENTRY, { workerData: { bundle, routes, apps: mine } });
  w.once('message', (p) => resolve({ w, p })).once('error', reject);
})));
async function answered(port) {
  const res = await fetch(`http://127.0.0.1:${port}/_fabric/_system/version`);
  if (res.status !== 200) throw new Error(`floor answered ${res.status}`);
}
await answered(ports[0].p[0]);
const firstAnswerMs = performance.now() - t0;
const freshMs = [];
for (let i = 0; i < FRESH_ROUNDS; i++) {
  const t1 = performance.now();
  const again = await Promise.all(ports.map(({ w }) => new Promise((resolve) => {
    w.once('message', resolve);
    w.postMessage('again');
  })));
  await answered(again[0][0]);
  freshMs.push(performance.now() - t1);
}
for (const { w } of ports) await w.terminate();
console.log(JSON.stringify({ firstAnswerMs, freshMs, routes: routes.length }));
