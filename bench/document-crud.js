/**
 * Single-document insert and get over HTTP on one PoP (latency off, file-backed), against the bare
 * Fastify + SQLite baseline, driven by the same client with the same concurrency and bodies. Each
 * server runs in its own process (bench/serve.js). Two ratios per operation:
 * - requests/s, emulator / baseline: what the target is stated in;
 * - server CPU per request, baseline / emulator: the same question asked of CPU time instead of
 *   wall time, which co-tenants of a shared machine disturb far less.
 * Rounds alternate which target goes first; each ratio is the median of the per-round ratios.
 */
import { BASELINE_PATHS } from './http-baseline.js';
import { runLoad } from './http-load.js';
import { expectAllOk, startServer } from './server-process.js';
import { addressDocument, envInt, median, progress, tempDir } from './support.js';

const REQUESTS = envInt('BENCH_REQUESTS', 10_000);
const WARMUP = envInt('BENCH_WARMUP', 3_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 32);
const ROUNDS = envInt('BENCH_ROUNDS', 5);
const TARGET_RATIO = 0.7;
const BODIES = Array.from({ length: 1000 }, (_, i) => addressDocument(i));
const COLLECTION = 'addresses';
const DOC_PATH = `/_fabric/_system/_api/document/${COLLECTION}`;
const EMULATOR_PATHS = { insert: DOC_PATH, get: (key) => `${DOC_PATH}/${encodeURIComponent(key)}` };

/** One load run; returns its requests/s and the server's CPU µs per request. */
async function measure(t, job, what) {
  const cpu0 = await t.cpu();
  const r = await runLoad({ url: t.url, concurrency: CONCURRENCY, ...job });
  const cpuUs = (await t.cpu()) - cpu0;
  expectAllOk(`${t.name} ${what}`, r);
  return { rps: (job.count * 1000) / r.ms, cpuPerReq: cpuUs / job.count, keys: r.keys };
}

/**
 * One round: both targets insert `count` documents, then both read each of theirs back once.
 * Pairing the targets op by op keeps their measurements seconds apart, so a co-tenant's burst
 * hits one pair rather than one side of every pair.
 */
async function round(targets, count) {
  const out = {};
  for (const t of targets) {
    out[t.name] = { insert: await measure(t, { method: 'POST', path: t.paths.insert, bodies: BODIES, collectKeys: true, count }, 'insert') };
  }
  for (const t of targets) {
    out[t.name].get = await measure(t, { method: 'GET', paths: out[t.name].insert.keys.map(t.paths.get), count }, 'get');
  }
  return out;
}

function rowsFor(op, results) {
  const pick = (n, f) => results[n].map((r) => r[op][f]);
  const ratio = (xs) => {
    const m = median(xs);
    const spread = `rounds ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
    return { value: m.toFixed(2), verdict: `${m >= TARGET_RATIO ? 'PASS' : 'BELOW TARGET'} (target >= ${TARGET_RATIO}; ${spread})` };
  };
  const rps = ratio(pick('emulator', 'rps').map((x, i) => x / pick('baseline', 'rps')[i]));
  const cpu = ratio(pick('baseline', 'cpuPerReq').map((x, i) => x / pick('emulator', 'cpuPerReq')[i]));
  const us = (n) => median(pick(n, 'cpuPerReq')).toFixed(0);
  return [
    { metric: `${op}: baseline (Fastify+SQLite)`, value: median(pick('baseline', 'rps')).toFixed(0), unit: 'req/s', note: `server CPU ${us('baseline')} µs/req; ${REQUESTS} req x ${ROUNDS} rounds, ${CONCURRENCY} in flight` },
    { metric: `${op}: emulator PoP`, value: median(pick('emulator', 'rps')).toFixed(0), unit: 'req/s', note: `server CPU ${us('emulator')} µs/req` },
    { metric: `${op}: emulator / baseline, req/s`, value: rps.value, unit: 'ratio', note: rps.verdict },
    { metric: `${op}: baseline / emulator, CPU/req`, value: cpu.value, unit: 'ratio', note: cpu.verdict },
  ];
}

export async function run() {
  const dirs = [tempDir('crud-baseline'), tempDir('crud-emulator')];
  const servers = [];
  try {
    const baseline = await startServer('baseline', BASELINE_PATHS, dirs[0].path);
    servers.push(baseline);
    const emulator = await startServer('emulator', EMULATOR_PATHS, dirs[1].path);
    servers.push(emulator);
    const body = JSON.stringify({ name: COLLECTION });
    const created = await runLoad({ url: emulator.url, method: 'POST', path: '/_fabric/_system/_api/collection', bodies: [body], count: 1, concurrency: 1 });
    expectAllOk('create collection', created);

    await round([baseline, emulator], WARMUP);
    const results = { baseline: [], emulator: [] };
    for (let i = 0; i < ROUNDS; i++) {
      const r = await round(i % 2 === 0 ? [baseline, emulator] : [emulator, baseline], REQUESTS);
      for (const n of ['baseline', 'emulator']) results[n].push(r[n]);
      const f = (op) => `${r.baseline[op].rps.toFixed(0)} vs ${r.emulator[op].rps.toFixed(0)}`;
      progress(`round ${i + 1}/${ROUNDS}: insert ${f('insert')} req/s, get ${f('get')} req/s (baseline vs emulator)`);
    }
    return [...rowsFor('insert', results), ...rowsFor('get', results)];
  } finally {
    for (const s of servers.reverse()) await s.close();
    for (const d of dirs) d.remove();
  }
}
