/**
 * Replication: delay of a steady write stream with latency off, observed lag on a 50 ms one-way
 * link, and bulk throughput per link. Lag is apply time minus commit time, as /_emu/status reports
 * it, from each write's wall time (sub-millisecond) to the end of its apply at the peer.
 * The same stream sent over HTTP compares every PoP on the caller's loop (launchFabric, as the
 * emulator ran before PoPs got loops of their own) with startFabric's PoP threads. Those replicate
 * over MessagePorts between the threads (docs/event-loops.md); over WebSockets on loopback ports,
 * as before, this machine printed one loop 1.72 ms, own loops 16.24 ms (ratio 0.11, rounds
 * 7.43-23.01), and the threads used 6.8 s of CPU per 4 s stream against 4.4 s on one loop; over
 * ports they use 4.3-5.0 s, and old and new builds measured alternately gave a median p99 of 36.8
 * against 25.2 ms (p50 1.55 against 0.87 ms). The figure is at the mercy of the 2 shared vCPUs:
 * on 2026-12-02 (load average 3-6 from other work) three runs of one build printed 68.50 ms
 * (rounds 27.3-80.1), 7.75 ms (5.8-9.4) and 51.00 ms (38.7-172.0) for the threads, 6.01, 1.55 and
 * 4.15 ms on one loop; the tail is the origin's and the peers' threads waiting for a CPU
 * (docs/event-loops.md has the per-sample split and the run-queue figures), not a wait in the code.
 * Nothing here polls for arrival: each sample is taken by the receiving PoP as it applies a change
 * (its own thread), against the time the origin stamped at the insert (the origin's thread). Both
 * read performance.timeOrigin + now(), which worker threads share with the main thread (checked:
 * within the ~0.1 ms of a message round trip), so the figure has no skew between threads in it.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { parseTopology, startFabric as startThreadedFabric } from '../dist/index.js';
import { launchFabric as startFabric } from '../dist/fabric/local-fabric.js';
import { envInt, median, progress, tempDir } from './support.js';

const REGIONS = [
  ['b-east', 39.04, -77.49],
  ['b-west', 45.59, -121.18],
  ['b-eu', 50.11, 8.68],
  ['b-ap', 19.08, 72.88],
];

function topology(rttMs) {
  const regions = REGIONS.map(([n, lat, lon]) => `  - { name: ${n}, city: X, country: US, countryName: X, lat: ${lat}, lon: ${lon}, port: 0 }`).join('\n');
  const links = [];
  for (let i = 0; i < REGIONS.length; i++)
    for (let j = i + 1; j < REGIONS.length; j++)
      links.push(`  - { between: [${REGIONS[i][0]}, ${REGIONS[j][0]}], rttMs: ${rttMs}, jitterMs: 0, distribution: constant, source: bench }`);
  return parseTopology(`name: bench\nglobal: { port: 0 }\nregions:\n${regions}\nlatency:\n${links.join('\n')}\n`, 'bench.yaml');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Writes `rate` documents a second for `seconds` into collection `c` of `region`, paced against the clock. */
async function steadyWrites(region, c, rate, seconds) {
  const total = rate * seconds;
  const start = performance.now();
  let written = 0;
  while (written < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; written < due; written++) region.storage.write(() => region.storage.documents.insert(c, { i: written, payload: 'x'.repeat(100) }));
    await sleep(1);
  }
}

/** POSTs `body` on `agent`; resolves the status code. */
function post(agent, url, authorization, path, body) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: hostname, port, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The same stream as documents POSTed to `url`, one request each on a few kept-alive sockets, as a client of the fabric sends them. */
async function steadyHttpWrites(url, authorization, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const total = rate * seconds;
  const inFlight = new Set();
  let failed = 0;
  const start = performance.now();
  let written = 0;
  try {
    while (written < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; written < due; written++) {
        const req = post(agent, url, authorization, '/_fabric/_system/_api/document/bench', JSON.stringify({ i: written, payload: 'x'.repeat(100) }))
          .then((status) => {
            if (status >= 300) failed++;
          })
          .finally(() => inFlight.delete(req));
        inFlight.add(req);
      }
      await sleep(1);
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  if (failed > 0) throw new Error(`${failed} of ${total} writes failed`);
}

async function createBench(url, authorization) {
  const res = await fetch(`${url}/_fabric/_system/_api/collection`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ name: 'bench' }) });
  if (!res.ok) throw new Error(`creating the bench collection: ${res.status} ${await res.text()}`);
}

/** A steady HTTP stream into a fabric started by `start`; the lag of the worst link. */
async function httpStream(start, rate, seconds) {
  const dir = tempDir('replication-http');
  const fabric = await start({ topology: topology(0), latency: false, dataDir: dir.path });
  try {
    const origin = fabric.regions[0];
    const authorization = `apikey ${fabric.credentials.apiKey}`;
    await createBench(origin.url(), authorization);
    await fabric.waitForReplication();
    await steadyHttpWrites(origin.url(), authorization, rate, seconds);
    await fabric.waitForReplication({ timeoutMs: 60_000 });
    return lagFrom(await fabric.status(), origin.name);
  } finally {
    await fabric.close();
    dir.remove();
  }
}

async function withFabric(rttMs, latency, fn) {
  const dir = tempDir('replication');
  const fabric = await startFabric({ topology: topology(rttMs), latency, dataDir: dir.path });
  try {
    const origin = fabric.regions[0];
    // Storage files a fabric's data under `<tenant>/<fabric>`: the dev tenant's _system here.
    const c = origin.storage.write(() => origin.storage.collections.create(`${fabric.credentials.tenant}/_system`, { name: 'bench' }));
    await fabric.waitForReplication();
    return await fn(fabric, origin, c);
  } finally {
    await fabric.close();
    dir.remove();
  }
}

function lagFrom(status, from) {
  const links = status.links.filter((l) => l.from === from);
  return { p50: Math.max(...links.map((l) => l.lagP50Ms ?? NaN)), p99: Math.max(...links.map((l) => l.lagP99Ms ?? NaN)) };
}

export async function run() {
  const rows = [];
  const seconds = envInt('BENCH_REPL_SECONDS', 4);

  // The delay of a steady stream is at the mercy of stalls of the shared machine, so it is measured
  // in several fresh fabrics and the median round is reported with the range.
  const rounds = envInt('BENCH_REPL_ROUNDS', 3);
  const steadyRounds = [];
  for (let r = 0; r < rounds; r++) {
    progress(`steady 1,000 writes/s for ${seconds} s, latency off, 1 → 3 peers (round ${r + 1}/${rounds})`);
    steadyRounds.push(
      await withFabric(0, false, async (fabric, origin, c) => {
        await steadyWrites(origin, c, 1000, seconds);
        await fabric.waitForReplication({ timeoutMs: 60_000 });
        return lagFrom(await fabric.status(), origin.name);
      }),
    );
  }
  const p50s = steadyRounds.map((x) => x.p50);
  const p99s = steadyRounds.map((x) => x.p99);
  const range = (xs) => `rounds ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
  const steady = { p50: median(p50s), p99: median(p99s) };
  rows.push({ metric: 'delay p50, 1,000 writes/s, latency off', value: steady.p50.toFixed(2), unit: 'ms', note: `worst of 3 links, median of ${rounds}; ${range(p50s)}` });
  rows.push({ metric: 'delay p99, 1,000 writes/s, latency off', value: steady.p99.toFixed(2), unit: 'ms', note: `target <= 5 ms: ${steady.p99 <= 5 ? 'PASS' : 'BELOW TARGET'}; ${range(p99s)}` });

  const loops = { shared: [], own: [] };
  for (let r = 0; r < rounds; r++) {
    progress(`steady 1,000 HTTP writes/s for ${seconds} s, latency off: PoPs on one loop, then on their own (round ${r + 1}/${rounds})`);
    loops.shared.push(await httpStream(startFabric, 1000, seconds));
    loops.own.push(await httpStream(startThreadedFabric, 1000, seconds));
  }
  const shared = median(loops.shared.map((x) => x.p99));
  const own = median(loops.own.map((x) => x.p99));
  rows.push({ metric: 'delay p99, 1,000 HTTP writes/s, PoPs on one loop', value: shared.toFixed(2), unit: 'ms', note: `launchFabric, as before per-PoP loops; ${range(loops.shared.map((x) => x.p99))}` });
  rows.push({
    metric: 'delay p99, 1,000 HTTP writes/s, a loop per PoP',
    value: own.toFixed(2),
    unit: 'ms',
    note: `startFabric (PoP threads); one loop ÷ own loops = ${(shared / own).toFixed(2)}; ${range(loops.own.map((x) => x.p99))}`,
  });

  progress('200 writes/s for 3 s over 50 ms one-way links');
  const slow = await withFabric(100, true, async (fabric, origin, c) => {
    await steadyWrites(origin, c, 200, 3);
    await fabric.waitForReplication({ timeoutMs: 60_000 });
    return lagFrom(await fabric.status(), origin.name);
  });
  rows.push({ metric: 'observed lag p50, 50 ms one-way link', value: slow.p50.toFixed(2), unit: 'ms', note: `target 50 ± 2 ms: ${Math.abs(slow.p50 - 50) <= 2 ? 'PASS' : 'OUTSIDE TARGET'}` });
  rows.push({ metric: 'observed lag p99, 50 ms one-way link', value: slow.p99.toFixed(2), unit: 'ms' });

  const docs = envInt('BENCH_REPL_DOCS', 60_000);
  progress(`bulk: ${docs} documents in batches of 1,000, latency off, 1 → 3 peers`);
  const perSecond = await withFabric(0, false, async (fabric, origin, c) => {
    const start = performance.now();
    for (let done = 0; done < docs; done += 1000) {
      origin.storage.write(() => {
        for (let i = done; i < Math.min(docs, done + 1000); i++) origin.storage.documents.insert(c, { i, payload: 'x'.repeat(100) });
      });
      await sleep(0);
    }
    await fabric.waitForReplication({ timeoutMs: 120_000 });
    return docs / ((performance.now() - start) / 1000);
  });
  rows.push({ metric: 'replication throughput per link, batch inserts', value: Math.round(perSecond), unit: 'docs/s', note: `3 links at once; target >= 10,000: ${perSecond >= 10_000 ? 'PASS' : 'BELOW TARGET'}` });
  return rows;
}
