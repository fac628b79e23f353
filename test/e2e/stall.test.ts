import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { authorizationFor, post, sleep, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

/**
 * No query stalls anything but itself (issue 9): while one PoP runs the heavy queries of the issue
 * and builds an index over 50,000 documents, probes ask every other PoP for its health and a
 * document, and the busy PoP for its own health. The check is on how many probes were answered
 * within 50 ms; the figures are printed.
 */
const DOCS = 50_000;
const WITHIN_MS = 50;
/** Probes answered within WITHIN_MS while the heavy work runs, on a quiet machine. */
const ANSWERED_SHARE = 0.99;
/**
 * The machine has two cores shared with whatever else runs: when even an idle fabric answers
 * fewer probes in time, the heavy phase is held to the idle phase's share (less this margin), so
 * the check still fails when a PoP's loop is blocked but not when the machine is merely busy.
 */
const MARGIN = 0.03;
const IDLE_MS = 5_000;

let fabric: Fabric;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology({ regions: 4, accessMs: 0 }), latency: false });
  useCredentials(fabric);
  const busy = fabric.regions[0]!.url();
  await post(`${busy}/_api/collection`, { name: 'big' });
  for (let i = 0; i < DOCS; i += 5_000) {
    const batch = Array.from({ length: 5_000 }, (_v, j) => ({ _key: `k${i + j}`, email: `user${i + j}@example.com`, text: 'a'.repeat(30) }));
    const r = await post(`${busy}/_api/document/big`, batch);
    if (r.status !== 202) throw new Error(`insert: ${r.status}`);
  }
  await fabric.waitForReplication({ timeoutMs: 60_000 });
}, 120_000);
afterAll(async () => {
  await fabric?.close();
});

// A fresh connection per probe would measure the TCP handshake too: keep them open.
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function probe(url: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const authorization = authorizationFor(url);
    const req = http.get(url, { agent, headers: authorization ? { authorization } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : Infinity));
    });
    req.on('error', () => resolve(Infinity));
  });
}

interface Figures {
  target: string;
  probes: number;
  within: number;
  p50: number;
  p99: number;
  max: number;
}

function figures(target: string, times: number[]): Figures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { target, probes: times.length, within: times.filter((t) => t <= WITHIN_MS).length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

describe('no query stalls anything but itself', () => {
  it('while one PoP runs heavy queries and builds an index over 50,000 documents, every PoP answers within 50 ms', async () => {
    const [busy, ...others] = fabric.regions.map((r) => r.url());
    const targets: Record<string, string> = { [`${fabric.regions[0]!.name} health (busy)`]: `${busy}/_api/version` };
    fabric.regions.slice(1).forEach((r, i) => {
      targets[`${r.name} health`] = `${others[i]}/_api/version`;
      targets[`${r.name} read`] = `${others[i]}/_api/document/big/k123`;
    });
    const idle: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((t) => [t, []]));
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(targets).map((t) => [t, []]));
    let phase: Record<string, number[]> | undefined = idle;
    const probers = Object.entries(targets).map(async ([name, url]) => {
      while (phase) {
        const into = phase;
        const t = await probe(url);
        into[name]!.push(t);
        await sleep(25);
      }
    });
    await sleep(IDLE_MS);
    phase = times;

    const heavy = async (label: string, query: string, options: Record<string, unknown> = {}) => {
      const t0 = performance.now();
      const r = await post(`${busy}/_api/cursor`, { query, options });
      console.log(`stall: ${label}: ${r.status} ${r.body?.errorNum ?? ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return r;
    };
    const results = await Promise.all([
      heavy('LIKE of the issue', `RETURN LIKE("${'a'.repeat(200)}", "${'%a'.repeat(20)}%b")`),
      heavy('LIKE over every document', `FOR d IN big FILTER LIKE(d.text, "${'%a'.repeat(20)}%b") RETURN d._key`),
      heavy('regex over every document', 'FOR d IN big FILTER REGEX_TEST(CONCAT(d.text, "!"), "^(a+)+$") RETURN d._key'),
      heavy('10-second query', 'FOR i IN 1..100000 FOR j IN 1..100000 FILTER i < 0 RETURN i', { maxRuntime: 10 }),
      (async () => {
        const t0 = performance.now();
        const r = await post(`${busy}/_api/index/persistent?collection=big`, { fields: ['email'] });
        console.log(`stall: index build over ${DOCS} documents: ${r.status} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        return r;
      })(),
    ]);
    // The index reaches the other PoPs, which build it too (off their loops).
    await fabric.waitForReplication({ timeoutMs: 60_000 });
    await sleep(200);
    phase = undefined;
    await Promise.all(probers);

    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 410, 201]);
    expect(results[0]!.body.result).toEqual([false]);
    expect(results[3]!.body.errorNum).toBe(1500);
    const share = (label: string, samples: Record<string, number[]>): number => {
      const all = Object.entries(samples).map(([t, list]) => figures(t, list));
      for (const f of all) {
        console.log(`stall: ${label}: ${f.target}: ${f.within}/${f.probes} within ${WITHIN_MS} ms; p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms`);
      }
      const probes = all.reduce((n, f) => n + f.probes, 0);
      const within = all.reduce((n, f) => n + f.within, 0);
      console.log(`stall: ${label}: ${within}/${probes} probes (${((100 * within) / probes).toFixed(2)}%) answered within ${WITHIN_MS} ms`);
      expect(all.every((f) => f.probes > 10)).toBe(true);
      return within / probes;
    };
    const quiet = share('idle fabric', idle);
    const loaded = share('heavy work at one PoP', times);
    const busyPoP = Object.keys(targets)[0]!;
    const busyShare = (samples: Record<string, number[]>) => figures(busyPoP, samples[busyPoP]!).within / samples[busyPoP]!.length;
    expect(loaded).toBeGreaterThanOrEqual(Math.min(ANSWERED_SHARE, quiet - MARGIN));
    expect(busyShare(times)).toBeGreaterThanOrEqual(Math.min(ANSWERED_SHARE, busyShare(idle) - MARGIN));
  }, 180_000);
});
