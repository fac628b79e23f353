/**
 * Edge functions: requests per second through a Worker (on workerd) that reads one document from
 * its nearest PoP, against the same Worker answering a constant: the ratio is the fabric's share of
 * the cost of an edge request. And cold start of each runtime: from `fabric-emu dev` being started
 * to its first answer. The fabric (`up --no-latency`, so delays do not hide the cost) and each dev
 * server run in processes of their own; this one only drives the load.
 */
import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runLoad } from './http-load.js';
import { envInt, median, progress, tempDir } from './support.js';

const BIN = fileURLToPath(new URL('../bin/fabric-emu.js', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const REQUESTS = envInt('BENCH_EDGE_REQUESTS', 1500);
const ROUNDS = envInt('BENCH_EDGE_ROUNDS', 3);
const COLD_REPEATS = envInt('BENCH_EDGE_COLD_REPEATS', 3);
const CONCURRENCY = 8;
const READY_TIMEOUT_MS = 60_000;

const TOPOLOGY = `name: bench-edge
global: { port: 0 }
regions:
  - { name: gdn-us-east, city: Ashburn, country: US, countryName: United States, lat: 39.04, lon: -77.49, port: 0 }
  - { name: gdn-eu-central, city: Frankfurt, country: DE, countryName: Germany, lat: 50.11, lon: 8.68, port: 0 }
`;

/** The dev API key `up` is started with (FABRIC_EMU_API_KEY); the Workers get it in `.dev.vars`, as a local secret. */
const API_KEY = '_mm.bench.edgebenchkey0123456789abcdefghij';

/** Spawns a fabric-emu command and resolves once it prints `pattern`, with the match and a stop(). */
function spawnReady(args, pattern) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FABRIC_EMU_API_KEY: API_KEY } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((ok) => child.on('exit', ok));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`fabric-emu ${args[0]} not ready in ${READY_TIMEOUT_MS} ms\n${out}\n${err}`));
    }, READY_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ match: m[1], stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`fabric-emu ${args[0]} exited with ${code}\n${out}\n${err}`));
    });
  });
}

const dev = (path, globalUrl, ...args) => spawnReady(['dev', path, '--url', globalUrl, '--port', '0', '--at', 'gdn-eu-central', ...args], /fabric-emu dev ready: (\S+)/);

function workerProject(dir, name, script) {
  const d = join(dir, name);
  cpSync(join(EXAMPLES, 'worker'), d, { recursive: true });
  writeFileSync(join(d, 'src', 'index.mjs'), script);
  // Overrides the example's placeholder key in wrangler.toml [vars].
  writeFileSync(join(d, '.dev.vars'), `GDN_API_KEY="${API_KEY}"\n`);
  return d;
}

const READER = `export default {
  async fetch(request, env) {
    const res = await fetch(env.GDN_URL + '/_fabric/_system/_api/document/notes/n1', { headers: { authorization: 'apikey ' + env.GDN_API_KEY } });
    return new Response(await res.text(), { status: res.status, headers: { 'content-type': 'application/json' } });
  },
};
`;
const CONSTANT = `export default {
  async fetch() {
    return new Response('{"_key":"n1","text":"a constant answer of about the same size"}', { headers: { 'content-type': 'application/json' } });
  },
};
`;

async function rps(url) {
  await runLoad({ url, method: 'GET', path: '/', count: 100, concurrency: CONCURRENCY });
  const r = await runLoad({ url, method: 'GET', path: '/', count: REQUESTS, concurrency: CONCURRENCY });
  if (r.failed > 0) throw new Error(`${r.failed} of ${REQUESTS} requests to ${url} failed: ${JSON.stringify(r.statuses)}`);
  return (REQUESTS / r.ms) * 1000;
}

async function coldStart(path, globalUrl, ...args) {
  const times = [];
  for (let i = 0; i < COLD_REPEATS; i++) {
    const t0 = performance.now();
    const d = await dev(path, globalUrl, ...args);
    const res = await fetch(d.match);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    await d.stop();
  }
  return median(times);
}

export async function run() {
  const dir = tempDir('edge');
  const stops = [];
  try {
    writeFileSync(join(dir.path, 'regions.yaml'), TOPOLOGY);
    const fabric = await spawnReady(['up', '--ephemeral', '--no-latency', '-c', join(dir.path, 'regions.yaml')], /fabric-emu ready: (\S+)/);
    stops.push(fabric.stop);
    const globalUrl = fabric.match;
    const at = (await (await fetch(`${globalUrl}/_emu/route?clientRegion=gdn-eu-central`)).json()).url;
    const headers = { authorization: `apikey ${API_KEY}` };
    await fetch(`${at}/_fabric/_system/_api/collection`, { method: 'POST', headers, body: JSON.stringify({ name: 'notes' }) });
    await fetch(`${at}/_fabric/_system/_api/document/notes`, { method: 'POST', headers, body: JSON.stringify({ _key: 'n1', text: 'one document read at the edge' }) });

    progress('edge: Worker throughput');
    const reader = await dev(workerProject(dir.path, 'reader', READER), globalUrl);
    stops.push(reader.stop);
    const constant = await dev(workerProject(dir.path, 'constant', CONSTANT), globalUrl);
    stops.push(constant.stop);
    const runs = { reader: [], constant: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of i % 2 === 0 ? ['reader', 'constant'] : ['constant', 'reader']) runs[kind].push(await rps(kind === 'reader' ? reader.match : constant.match));
    }
    const r = median(runs.reader);
    const c = median(runs.constant);

    progress('edge: cold starts');
    const lambda = join(dir.path, 'lambda.mjs');
    writeFileSync(lambda, "export async function handler() { return { status: '200', body: 'ok' }; }\n");
    const akamai = join(dir.path, 'akamai');
    cpSync(join(EXAMPLES, 'akamai'), akamai, { recursive: true });
    writeFileSync(join(akamai, 'main.js'), "import { createResponse } from 'create-response';\nexport function responseProvider() { return createResponse(200, {}, 'ok'); }\n");
    const cold = {
      workers: await coldStart(workerProject(dir.path, 'cold', CONSTANT), globalUrl),
      lambda: await coldStart(lambda, globalUrl),
      akamai: await coldStart(akamai, globalUrl),
    };
    const note = `${REQUESTS} req x ${ROUNDS} rounds, ${CONCURRENCY} in flight, latency off`;
    return [
      { metric: 'Worker reading one document from its PoP', value: r.toFixed(0), unit: 'req/s', note },
      { metric: 'same Worker, constant answer', value: c.toFixed(0), unit: 'req/s', note: 'the edge runtime alone (dev server + workerd)' },
      { metric: 'reading / constant, req/s', value: (r / c).toFixed(2), unit: 'ratio', note: `the fabric's share: ${((1 - r / c) * 100).toFixed(0)}% of the time per request` },
      { metric: 'cold start: Workers on workerd', value: cold.workers.toFixed(0), unit: 'ms', note: `dev started to first answer, median of ${COLD_REPEATS}` },
      { metric: 'cold start: Lambda on Node (worker thread)', value: cold.lambda.toFixed(0), unit: 'ms', note: 'a viewer-request function answering a constant' },
      { metric: 'cold start: EdgeWorkers sandbox', value: cold.akamai.toFixed(0), unit: 'ms', note: 'a responseProvider answering a constant' },
      { metric: 'cold start: Workers / Lambda', value: (cold.workers / cold.lambda).toFixed(2), unit: 'ratio', note: '' },
    ];
  } finally {
    for (const s of stops.reverse()) await s();
    dir.remove();
  }
}
