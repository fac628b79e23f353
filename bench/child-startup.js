/**
 * One startup measurement in a fresh process, so resident memory belongs to one fabric alone.
 * Usage: node --expose-gc bench/child-startup.js <emulator|baseline> <preset> <memory|file>
 * Prints one JSON line: { regions, startMs, readyMs, closeMs, rssBeforeMb, rssAfterMb, heapAfterMb }.
 * `baseline` starts as many bare Fastify + SQLite servers as the preset has regions.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { presetTopology, startFabric } from '../dist/index.js';
import { startHttpBaseline } from './http-baseline.js';
import { tempDir } from './support.js';

const [kind, preset, storage] = process.argv.slice(2);
const MB = 1024 * 1024;

function getStatus(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MB, heap: m.heapUsed / MB };
}

async function startEmulator(topology, dataDir) {
  const fabric = await startFabric({ topology, dataDir, latency: false, host: '127.0.0.1' });
  const started = performance.now();
  const status = await getStatus(`${fabric.globalUrl()}/_emu/health`);
  if (status !== 200) throw new Error(`/_emu/health answered ${status}`);
  return { started, close: () => fabric.close() };
}

async function startBaselines(count, dataDir) {
  const servers = [];
  for (let i = 0; i < count; i++) servers.push(await startHttpBaseline({ dbPath: dataDir && `${dataDir}/r${i}.sqlite` }));
  const started = performance.now();
  const status = await getStatus(`${servers[0].url}/doc/none`);
  if (status !== 404) throw new Error(`baseline answered ${status}`);
  return { started, close: () => Promise.all(servers.map((s) => s.close())) };
}

const topology = presetTopology(preset);
for (const r of topology.regions) r.port = 0;
topology.global.port = 0;
// The front door starts too, as with `fabric-emu up`: its certificate is made afresh on each start here.
topology.https = { port: 0 };
const dir = storage === 'file' ? tempDir('startup') : undefined;
try {
  const before = memory();
  const t0 = performance.now();
  const running = kind === 'emulator'
    ? await startEmulator(topology, dir?.path)
    : await startBaselines(topology.regions.length, dir?.path);
  const readyMs = performance.now() - t0;
  const after = memory();
  const t1 = performance.now();
  await running.close();
  const closeMs = performance.now() - t1;
  console.log(JSON.stringify({
    regions: topology.regions.length,
    startMs: running.started - t0,
    readyMs,
    closeMs,
    rssBeforeMb: before.rss,
    rssAfterMb: after.rss,
    heapAfterMb: after.heap,
  }));
} finally {
  dir?.remove();
}
