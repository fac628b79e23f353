/**
 * Key-value set and get over HTTP on one PoP (latency off, file-backed), against the bare Fastify +
 * SQLite baseline (bench/http-baseline.js, its /kv routes) and against Miniflare's KV behind a
 * Worker, all measured in this run with the same client, concurrency, keys and values. Each server
 * runs in its own process (bench/serve.js). A set is one pair per request (`PUT .../value` with
 * `[{_key, value}]` on the PoP, the raw value on the others), over 1,000 keys, so most are replaces.
 * Ratios are the medians of per-round ratios; rounds rotate which target goes first. Miniflare runs
 * its Worker in workerd, another process, so only its requests/s compare, not its CPU; it is slow
 * enough that it gets a share of the requests (its rate does not depend on how many).
 *
 * Figures (2 shared cores, load average 5-12 from other work, so CPU per request runs high and
 * requests/s swing by round): before the KV set changes of 2026-12-01, set 0.42 of the baseline in
 * requests/s and 0.42 in CPU per request (127 µs against 56), get 0.91 and 0.61 (58 µs against 40).
 * After them, set 0.77 in requests/s (rounds 0.53-0.85) and 0.41 in CPU per request (132 µs
 * against 53), get 0.73 and 0.69: within the noise of the machine, the CPU per set did not move.
 * `node --cpu-prof` of the PoP under the set load puts a fifth of its CPU in the storage write (the
 * documents UPDATE with its order and expiry indexes about 40% of that, the change log insert,
 * the row read, the JSON of the row and of the change); a tenth in the socket writes, the same as
 * the baseline's; the rest in Fastify and the PoP's hooks (host guard, request id and region
 * headers, authentication scope, the write gate, the group commit's wait), each a few percent.
 * Profiled again on 2026-12-02 (set 133 µs against 49, ratios 0.40 and 0.36): the storage write
 * 40 µs of it (the UPDATE 15, the row read 7, its JSON parse 3, the merge and the change log's
 * JSON), the stream broker's query for new messages after every commit 3, a stream listener per
 * request because the handler returned the reply (a thenable) 3, an async URL guard hook, the URL
 * rewrite 2. After the broker skips commits without messages, the handlers return nothing, the
 * guard is a callback, the rewrite is remembered and the set writes its row without the generic
 * merge (one row read without the body, the attributes serialised once): set 0.72 in requests/s
 * (rounds 0.50-0.86) and 0.52 in CPU per request (77 µs against 41), get 0.94 and 0.76 (36 µs
 * against 27). With the body parser named for application/json too (Fastify worked out the
 * catch-all parser afresh per request), in a run at load average 6 (the baseline at 65 µs a set):
 * set 0.76 and 0.51 (113 µs against 65), get 0.94 and 0.79. What is left of the set's gap, by the
 * profile: the row read and the UPDATE (with the order and expiry indexes) about 25 µs against the
 * baseline's one upsert, the change log insert 5, Fastify's hooks and content-type and reply work
 * about twice the baseline's, and the socket writes about twice as long in the kernel as the
 * baseline's: a set is answered after its group commit, so a turn's answers go out in one burst.
 * The same code on a quiet machine (load average 2, 02:00 UTC the same day): set 0.47 in
 * requests/s (rounds 0.40-0.55) and 0.43 in CPU per request (106 µs against 49), get 0.78 and 0.72
 * (59 µs against 42): the loaded runs above flattered the set, whose baseline slowed more.
 * On 2026-12-02 (load average under 1.3, `perf record` of the PoP for CPU, not wall, samples), the
 * same code measured set 0.66 and 0.65 (110 µs against 71), get 0.94 and 0.82. The set's row read
 * and UPDATE cost 36 µs of wall time under load against 9 µs alone: SQLite parsed the body's JSON
 * three times per set (the read's json_extract of expireAt, and the expiry index's condition for
 * the old and the new row), and every write built a copy of the document and listed the
 * collection's indexes (arrays, a filter, a sort) for a unique check the collection had no index
 * for. After expireAt moved to a column of its own (schema version 6), the row read became an
 * array and the unique check went when there is no unique index: set 0.73 in requests/s (rounds
 * 0.71-1.15) and 0.73 in CPU per request (101 µs against 74), get 0.94 and 0.85 (64 µs against
 * 54). Still above the baseline's: the savepoint per write (about 3 µs), the change log insert,
 * the order index's move of a replaced document, and Fastify's hooks.
 * On a fresh machine the same evening (load under 1.5) that code measured set 0.65 and 0.56 (116
 * µs against 75). `perf record` of both servers: SQLite 24 µs per set against the baseline's 13,
 * the rest spread over Fastify, the PoP's hooks and the handler in pieces of 1 µs or less. Taking
 * parts out of a copy of the build and measuring it against the real one (40 interleaved rounds
 * of 1,500 sets, server and client pinned to a core each) priced them: the order index's move of
 * the replaced pair 9% of the PoP's CPU per set (a random leaf page dirty at every commit), the
 * change log insert 9%, the savepoint with the narrower UPDATE below 5%. After a key-value collection iterates by key (the pair
 * stays in place; documents.ts orderOf) and a replace with the same expireAt sets only rev, body
 * and meta: set 0.80, 0.80 and 0.84 in requests/s and 0.75, 0.74 and 0.84 in CPU per request in
 * three runs (88-104 µs against 74-83), get 0.82, 0.83 and 0.70 and 0.75, 0.73 and 0.67 (its code
 * unchanged: 0.97 of the old CPU per get, paired).
 */
import { BASELINE_KV_PATHS } from './http-baseline.js';
import { runLoad } from './http-load.js';
import { expectAllOk, startServer } from './server-process.js';
import { addressDocument, envInt, median, progress, tempDir } from './support.js';

const REQUESTS = envInt('BENCH_KV_REQUESTS', 10_000);
const WARMUP = envInt('BENCH_KV_WARMUP', 3_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 32);
const ROUNDS = envInt('BENCH_KV_ROUNDS', 5);
const TARGET_RATIO = 0.7;
/** Miniflare sets a hundred or so pairs a second here: fewer requests give its rate as well, in seconds instead of minutes. */
const MINIFLARE_SHARE = { set: 0.1, get: 0.3 };
const KEYS = Array.from({ length: 1000 }, (_, i) => `session-${String(i).padStart(4, '0')}`);
const VALUES = KEYS.map((_, i) => addressDocument(i));
const KV_PATH = '/_fabric/_system/_api/kv/sessions';

/** How each target is asked: set and get jobs for runLoad over the same keys and values. */
const JOBS = {
  baseline: {
    set: { method: 'PUT', paths: KEYS.map(BASELINE_KV_PATHS.set), bodies: VALUES },
    get: { method: 'GET', paths: KEYS.map(BASELINE_KV_PATHS.get) },
  },
  miniflare: {
    set: { method: 'PUT', paths: KEYS.map(BASELINE_KV_PATHS.set), bodies: VALUES },
    get: { method: 'GET', paths: KEYS.map(BASELINE_KV_PATHS.get) },
  },
  emulator: {
    set: { method: 'PUT', path: `${KV_PATH}/value`, bodies: KEYS.map((k, i) => `[{"_key":${JSON.stringify(k)},"value":${VALUES[i]}}]`) },
    get: { method: 'GET', paths: KEYS.map((k) => `${KV_PATH}/value/${encodeURIComponent(k)}`) },
  },
};

async function measure(t, op, requests) {
  const count = t.name === 'miniflare' ? Math.max(100, Math.round(requests * MINIFLARE_SHARE[op])) : requests;
  const cpu0 = await t.cpu();
  const r = await runLoad({ url: t.url, concurrency: CONCURRENCY, count, ...JOBS[t.name][op] });
  const cpuUs = (await t.cpu()) - cpu0;
  expectAllOk(`${t.name} ${op}`, r);
  return { rps: (count * 1000) / r.ms, cpuPerReq: cpuUs / count };
}

/** Every target sets, then every target gets, so each pair of figures is measured seconds apart. */
async function round(targets, count) {
  const out = Object.fromEntries(targets.map((t) => [t.name, {}]));
  for (const op of ['set', 'get']) for (const t of targets) out[t.name][op] = await measure(t, op, count);
  return out;
}

function ratioRow(metric, xs, target) {
  const m = median(xs);
  const spread = `rounds ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
  const note = target === undefined ? spread : `${m >= target ? 'PASS' : 'BELOW TARGET'} (target >= ${target}; ${spread})`;
  return { metric, value: m.toFixed(2), unit: 'ratio', note };
}

function rowsFor(op, results) {
  const of = (n, f) => results.map((r) => r[n][op][f]);
  const per = (a, b, f) => of(a, f).map((x, i) => x / of(b, f)[i]);
  const us = (n) => median(of(n, 'cpuPerReq')).toFixed(0);
  return [
    { metric: `${op}: baseline (Fastify+SQLite)`, value: median(of('baseline', 'rps')).toFixed(0), unit: 'req/s', note: `server CPU ${us('baseline')} µs/req; ${REQUESTS} req x ${ROUNDS} rounds, ${CONCURRENCY} in flight` },
    { metric: `${op}: Miniflare KV (Worker on workerd)`, value: median(of('miniflare', 'rps')).toFixed(0), unit: 'req/s', note: `persisted to disk; ${Math.round(MINIFLARE_SHARE[op] * 100)}% as many requests` },
    { metric: `${op}: emulator PoP`, value: median(of('emulator', 'rps')).toFixed(0), unit: 'req/s', note: `server CPU ${us('emulator')} µs/req` },
    ratioRow(`${op}: emulator / baseline, req/s`, per('emulator', 'baseline', 'rps'), TARGET_RATIO),
    ratioRow(`${op}: baseline / emulator, CPU/req`, per('baseline', 'emulator', 'cpuPerReq'), TARGET_RATIO),
    ratioRow(`${op}: emulator / Miniflare, req/s`, per('emulator', 'miniflare', 'rps')),
  ];
}

export async function run() {
  const dirs = { baseline: tempDir('kv-baseline'), emulator: tempDir('kv-emulator'), miniflare: tempDir('kv-miniflare') };
  const servers = [];
  try {
    for (const name of ['baseline', 'emulator', 'miniflare']) servers.push(await startServer(name, undefined, dirs[name].path));
    const emulator = servers[1];
    const created = await runLoad({ url: emulator.url, method: 'POST', path: `${KV_PATH}?expiration=true`, bodies: ['{}'], count: 1, concurrency: 1 });
    expectAllOk('create KV collection', created);

    // Every key holds a pair before anything is measured, so every get finds one.
    for (const t of servers) expectAllOk(`${t.name} load`, await runLoad({ url: t.url, concurrency: CONCURRENCY, count: KEYS.length, ...JOBS[t.name].set }));
    await round(servers, WARMUP);
    const results = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = servers.map((_, j) => servers[(i + j) % servers.length]);
      const r = await round(order, REQUESTS);
      results.push(r);
      const f = (op) => servers.map((s) => r[s.name][op].rps.toFixed(0)).join(' / ');
      progress(`round ${i + 1}/${ROUNDS}: set ${f('set')}, get ${f('get')} req/s (baseline / emulator / Miniflare)`);
    }
    return [...rowsFor('set', results), ...rowsFor('get', results)];
  } finally {
    for (const s of servers.reverse()) await s.close();
    for (const d of Object.values(dirs)) d.remove();
  }
}
