/**
 * Fabric startup: time from calling startFabric to /_emu/health answering 200 (every PoP listening),
 * and resident memory once up, for the default 4-PoP topology and the global-25 preset, in memory
 * and on a data dir, latency off. Each start runs in its own process (bench/child-startup.js);
 * the baseline is as many bare Fastify + SQLite servers started the same way, so the time is also
 * printed as a ratio. Ports are forced to 0 so the run cannot collide with a fabric already up.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { envInt, median, progress } from './support.js';

const REPEATS = envInt('BENCH_STARTUP_REPEATS', 3);
const CHILD = fileURLToPath(new URL('./child-startup.js', import.meta.url));
const CHILD_TIMEOUT_MS = 120_000;

function measure(kind, preset, storage) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', CHILD, kind, preset, storage], { timeout: CHILD_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`child-startup ${kind} ${preset} ${storage}: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

/** Medians of each field over REPEATS runs, alternating emulator and baseline. */
async function measurePair(preset, storage) {
  const runs = { emulator: [], baseline: [] };
  for (let i = 0; i < REPEATS; i++) {
    for (const kind of i % 2 === 0 ? ['emulator', 'baseline'] : ['baseline', 'emulator']) {
      runs[kind].push(await measure(kind, preset, storage));
    }
  }
  const med = (kind, f) => median(runs[kind].map((r) => r[f]));
  const summary = (kind) => ({
    regions: runs[kind][0].regions,
    readyMs: med(kind, 'readyMs'),
    closeMs: med(kind, 'closeMs'),
    rssAfterMb: med(kind, 'rssAfterMb'),
    rssDeltaMb: median(runs[kind].map((r) => r.rssAfterMb - r.rssBeforeMb)),
  });
  return { emulator: summary('emulator'), baseline: summary('baseline') };
}

export async function run() {
  const rows = [];
  for (const preset of ['seed-4', 'global-25']) {
    for (const storage of ['memory', 'file']) {
      const { emulator: e, baseline: b } = await measurePair(preset, storage);
      const label = `${preset} (${e.regions} PoPs), ${storage === 'file' ? 'data dir' : 'ephemeral'}`;
      progress(`${label}: ready in ${e.readyMs.toFixed(0)} ms (baseline ${b.readyMs.toFixed(0)} ms), rss ${e.rssAfterMb.toFixed(0)} MB`);
      rows.push(
        {
          metric: `${label}: start -> health 200`,
          value: e.readyMs.toFixed(0),
          unit: 'ms',
          note: `${(e.readyMs / b.readyMs).toFixed(2)}x of ${b.regions} bare Fastify+SQLite servers (${b.readyMs.toFixed(0)} ms); close ${e.closeMs.toFixed(0)} ms`,
        },
        {
          metric: `${label}: rss after start`,
          value: e.rssAfterMb.toFixed(1),
          unit: 'MB',
          note: `+${e.rssDeltaMb.toFixed(1)} MB by the start (${(e.rssDeltaMb / e.regions).toFixed(1)} MB/PoP); baseline +${b.rssDeltaMb.toFixed(1)} MB`,
        },
      );
    }
  }
  return rows;
}
