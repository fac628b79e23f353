/**
 * One fixture measurement in a fresh process, as a test file's first `startFabric()` meets it.
 * Usage: node bench/child-fixture.js <preset> <isolation-rounds>
 * Prints one JSON line: { regions, firstAnswerMs, secondStartMs, resetMs[], freshMs[] }: start-up
 * (startFabric() to the first answered request at a PoP, the default options but latency off),
 * a second start in the same process, then per round one isolateFabric() after a test's writes
 * and one fresh fabric (close + start + first answer).
 */
import { performance } from 'node:perf_hooks';
import { isolateFabric, presetTopology, startFabric } from '../dist/index.js';

const [preset, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const options = { topology: presetTopology(preset), latency: false };

async function started() {
  const t0 = performance.now();
  const fabric = await startFabric(options);
  const res = await fetch(`${fabric.regions[0].url()}/_api/version`);
  if (res.status !== 200) throw new Error(`first request answered ${res.status}`);
  return { fabric, ms: performance.now() - t0 };
}

/** What a test leaves behind: a collection with a document, a cut link and an advanced, frozen clock. */
async function dirty(fabric) {
  const headers = { authorization: `apikey ${fabric.credentials.apiKey}`, 'content-type': 'application/json' };
  const base = `${fabric.regions[0].url()}/_fabric/_system/_api`;
  await fetch(`${base}/collection`, { method: 'POST', headers, body: JSON.stringify({ name: 'orders' }) });
  await fetch(`${base}/document/orders`, { method: 'POST', headers, body: JSON.stringify({ _key: 'o1', total: 3 }) });
  const [a, b] = fabric.regions;
  await fabric.link(a.name, b.name, { cut: true });
  await fabric.clock({ advance: 60_000 });
  await fabric.clock({ freeze: true });
}

const first = await started();
await first.fabric.close();
const second = await started();
let fabric = second.fabric;
const resetMs = [];
const freshMs = [];
for (let i = 0; i < rounds; i++) {
  await dirty(fabric);
  const t0 = performance.now();
  await isolateFabric(fabric);
  resetMs.push(performance.now() - t0);
  await dirty(fabric);
  const t1 = performance.now();
  await fabric.close();
  const next = await started();
  freshMs.push(performance.now() - t1);
  fabric = next.fabric;
}
await fabric.close();
console.log(JSON.stringify({ regions: options.topology.regions.length, firstAnswerMs: first.ms, secondStartMs: second.ms, resetMs, freshMs }));
