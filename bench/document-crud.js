/**
 * Single-document insert and get over HTTP on one PoP (latency off, file-backed, authentication
 * off), through the HTTPS front door to the same kind of PoP (TLS alone), and through the front door
 * with authentication on (every request carries the dev API key, as jsC8 sends it), against the bare
 * Fastify + SQLite baseline, driven by the same client with the same concurrency and bodies. Each
 * server runs in its own process (bench/serve.js). Two ratios per operation and target:
 * - requests/s, emulator / baseline: what the target is stated in;
 * - server CPU per request, baseline / emulator: the same question asked of CPU time instead of
 *   wall time, which co-tenants of a shared machine disturb far less.
 * Rounds rotate which target goes first; each ratio is the median of the per-round ratios. The
 * HTTPS rows also give HTTPS / plain HTTP of the emulator: what TLS, the extra hop and (for
 * emulator-https-auth) checking credentials cost, with its own target (at most 25% of throughput).
 * The HTTPS targets call the PoP's own name (api-<region>.localhost), as jsC8 does: since the front
 * door passes such connections to the PoP's thread by their TLS server name (control/pop-door.ts),
 * TLS ends there and the front door only copies bytes. What is measured is unchanged (the same
 * requests to the same URL), so figures before and after that change compare directly.
 * The bare baseline also runs over HTTPS (baseline-https, a certificate for localhost): its ratio
 * to itself over HTTP is the TLS ceiling the emulator's HTTPS ratios are read against.
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
/** TLS and authentication together may cost at most a quarter of the plain PoP's throughput. */
const TLS_AUTH_TARGET = 0.75;
const BODIES = Array.from({ length: 1000 }, (_, i) => addressDocument(i));
const COLLECTION = 'addresses';
const DOC_PATH = `/_fabric/_system/_api/document/${COLLECTION}`;
const EMULATOR_PATHS = { insert: DOC_PATH, get: (key) => `${DOC_PATH}/${encodeURIComponent(key)}` };

/** One load run; returns its requests/s and the server's CPU µs per request. */
async function measure(t, job, what) {
  const cpu0 = await t.cpu();
  const r = await runLoad({ url: t.url, ca: t.ca, authorization: t.authorization, concurrency: CONCURRENCY, ...job });
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

function ratioOf(xs, target) {
  const m = median(xs);
  const spread = `rounds ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
  return { value: m.toFixed(2), verdict: target === null ? spread : `${m >= target ? 'PASS' : 'BELOW TARGET'} (target >= ${target}; ${spread})` };
}

/** Rows of one target against the baseline (and, given `plain`, against that target too, with `plainTarget` if it has one). */
function rowsFor(op, results, name, label, plain, plainTarget = null) {
  const pick = (n, f) => results[n].map((r) => r[op][f]);
  const rps = ratioOf(pick(name, 'rps').map((x, i) => x / pick('baseline', 'rps')[i]), TARGET_RATIO);
  const cpu = ratioOf(pick('baseline', 'cpuPerReq').map((x, i) => x / pick(name, 'cpuPerReq')[i]), TARGET_RATIO);
  const us = (n) => median(pick(n, 'cpuPerReq')).toFixed(0);
  const rows = [
    { metric: `${op}: ${label}`, value: median(pick(name, 'rps')).toFixed(0), unit: 'req/s', note: `server CPU ${us(name)} µs/req` },
    { metric: `${op}: ${label} / baseline, req/s`, value: rps.value, unit: 'ratio', note: rps.verdict },
    { metric: `${op}: baseline / ${label}, CPU/req`, value: cpu.value, unit: 'ratio', note: cpu.verdict },
  ];
  if (plain) {
    const vsPlain = ratioOf(pick(name, 'rps').map((x, i) => x / pick(plain, 'rps')[i]), plainTarget);
    const cpuVsPlain = ratioOf(pick(plain, 'cpuPerReq').map((x, i) => x / pick(name, 'cpuPerReq')[i]), plainTarget);
    const what = name.endsWith('-auth') ? 'TLS, the front door and credentials' : 'TLS and the front door';
    rows.push(
      { metric: `${op}: ${label} / ${plain}, req/s`, value: vsPlain.value, unit: 'ratio', note: `what ${what} cost, the client's share included; ${vsPlain.verdict}` },
      { metric: `${op}: ${plain} / ${label}, CPU/req`, value: cpuVsPlain.value, unit: 'ratio', note: `what ${what} cost the server; ${cpuVsPlain.verdict}` },
    );
  }
  return rows;
}

function baselineRow(op, results) {
  const rps = median(results.baseline.map((r) => r[op].rps));
  const us = median(results.baseline.map((r) => r[op].cpuPerReq));
  return { metric: `${op}: baseline (Fastify+SQLite)`, value: rps.toFixed(0), unit: 'req/s', note: `server CPU ${us.toFixed(0)} µs/req; ${REQUESTS} req x ${ROUNDS} rounds, ${CONCURRENCY} in flight` };
}

/**
 * The TLS ceiling: the bare baseline over HTTPS against itself over HTTP, with the same client. TLS
 * costs the emulator at least what it costs the bare server, so the HTTPS / plain ratios of the
 * emulator are read against this one: a target above the ceiling cannot be met on the machine.
 */
function ceilingRows(op, results) {
  const pick = (n, f) => results[n].map((r) => r[op][f]);
  const rps = pick('baseline-https', 'rps').map((x, i) => x / pick('baseline', 'rps')[i]);
  const cpu = pick('baseline', 'cpuPerReq').map((x, i) => x / pick('baseline-https', 'cpuPerReq')[i]);
  const authVsPlain = pick('emulator-https-auth', 'rps').map((x, i) => x / pick('emulator', 'rps')[i]);
  const ceiling = median(rps);
  const met = ceiling >= TLS_AUTH_TARGET ? 'the target is within it' : `the target (${TLS_AUTH_TARGET}) is above it: not reachable with this client on this machine`;
  return [
    { metric: `${op}: TLS ceiling, baseline over HTTPS / baseline, req/s`, value: ceiling.toFixed(2), unit: 'ratio', note: `what TLS alone costs a bare Fastify server, the client's share included; ${met}; ${ratioOf(rps, null).verdict}` },
    { metric: `${op}: TLS ceiling, baseline / baseline over HTTPS, CPU/req`, value: median(cpu).toFixed(2), unit: 'ratio', note: `server CPU ${median(pick('baseline-https', 'cpuPerReq')).toFixed(0)} µs/req over HTTPS; ${ratioOf(cpu, null).verdict}` },
    { metric: `${op}: emulator-https-auth / emulator, as a share of the TLS ceiling`, value: (median(authVsPlain) / ceiling).toFixed(2), unit: 'ratio', note: '1.00: TLS, the front door and credentials cost the emulator no more than TLS costs the bare server' },
  ];
}

const NAMES = ['baseline', 'baseline-https', 'emulator', 'emulator-https', 'emulator-https-auth'];

export async function run() {
  const dirs = NAMES.map((n) => tempDir(`crud-${n}`));
  const servers = [];
  try {
    const baseline = await startServer('baseline', BASELINE_PATHS, dirs[0].path);
    servers.push(baseline);
    const baselineHttps = await startServer('baseline-https', BASELINE_PATHS, dirs[1].path);
    servers.push(baselineHttps);
    const emulator = await startServer('emulator', EMULATOR_PATHS, dirs[2].path);
    servers.push(emulator);
    const https = await startServer('emulator-https', EMULATOR_PATHS, dirs[3].path);
    servers.push(https);
    const httpsAuth = await startServer('emulator-https-auth', EMULATOR_PATHS, dirs[4].path);
    servers.push(httpsAuth);
    const body = JSON.stringify({ name: COLLECTION });
    for (const t of [emulator, https, httpsAuth]) {
      const created = await runLoad({ url: t.url, ca: t.ca, authorization: t.authorization, method: 'POST', path: '/_fabric/_system/_api/collection', bodies: [body], count: 1, concurrency: 1 });
      expectAllOk(`create collection at ${t.name}`, created);
    }
    const refused = await runLoad({ url: httpsAuth.url, ca: httpsAuth.ca, method: 'GET', path: '/_fabric/_system/_api/collection', count: 1, concurrency: 1 });
    if (refused.statuses[401] !== 1) throw new Error(`emulator-https-auth answered a request without credentials with ${JSON.stringify(refused.statuses)}, not 401`);

    const targets = [baseline, baselineHttps, emulator, https, httpsAuth];
    await round(targets, WARMUP);
    const results = Object.fromEntries(NAMES.map((n) => [n, []]));
    for (let i = 0; i < ROUNDS; i++) {
      const order = targets.map((_, k) => targets[(i + k) % targets.length]);
      const r = await round(order, REQUESTS);
      for (const n of NAMES) results[n].push(r[n]);
      const f = (op) => NAMES.map((n) => r[n][op].rps.toFixed(0)).join(' vs ');
      progress(`round ${i + 1}/${ROUNDS}: insert ${f('insert')} req/s, get ${f('get')} req/s (${NAMES.join(' vs ')})`);
    }
    return ['insert', 'get'].flatMap((op) => [
      baselineRow(op, results),
      ...rowsFor(op, results, 'emulator', 'emulator PoP'),
      ...rowsFor(op, results, 'emulator-https', 'emulator-https', 'emulator'),
      ...rowsFor(op, results, 'emulator-https-auth', 'emulator-https-auth', 'emulator', TLS_AUTH_TARGET),
      ...ceilingRows(op, results),
    ]);
  } finally {
    for (const s of servers.reverse()) await s.close();
    for (const d of dirs) d.remove();
  }
}
