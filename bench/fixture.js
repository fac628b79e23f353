/**
 * The in-process test fixture (docs/fixtures.md): start-up to the first answered request for 4 and
 * 25 PoPs, and the two ways to isolate tests on a 4-PoP fabric, a reset (isolateFabric, what
 * fabric-emu/vitest does by default) and a fresh fabric per test, each in a fresh process
 * (bench/child-fixture.js). Targets: start-up < 300 ms (4 PoPs) and < 1.5 s (25), reset < 20 ms,
 * fresh fabric < 100 ms. The default isolation is the cheaper of the two, by these figures.
 * Each start-up is also shown against its floor measured in the same run (bench/child-floor.js): as
 * many threads as startFabric() uses, each loading Fastify and better-sqlite3 the way a PoP thread
 * loads its code and building bare apps with a PoP's routes. A target below the floor cannot be met
 * on the machine with a thread per PoP, whatever fabric-emu's own start does.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEFAULT_POP_THREADS } from '../dist/fabric/thread-fabric.js';
import { envInt, median, progress } from './support.js';

const CHILD = fileURLToPath(new URL('./child-fixture.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./child-floor.js', import.meta.url));
/** Inside the package, so that the bundle's require('better-sqlite3') finds the package's copy. */
const FLOOR_BUNDLE = fileURLToPath(new URL('../node_modules/.cache/fabric-emu-bench/floor.bundle.cjs', import.meta.url));
const ROUNDS = envInt('BENCH_FIXTURE_ROUNDS', 5);
const FLOOR_REPEATS = envInt('BENCH_FLOOR_REPEATS', 3);

function child(args, what) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 300_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${what}: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const measure = (preset, rounds) => child([CHILD, preset, String(rounds)], `child-fixture ${preset}`);

/**
 * The floor (bench/child-floor.js) for `apps` PoPs on as many threads as startFabric() gives them:
 * the median of FLOOR_REPEATS fresh processes, after one that writes the bundle's code cache (the
 * emulator's threads find theirs written by earlier starts too).
 */
async function floor(apps) {
  const threads = Math.min(apps, DEFAULT_POP_THREADS);
  const args = [FLOOR, FLOOR_BUNDLE, String(apps), String(threads)];
  await child(args, 'child-floor');
  const runs = [];
  for (let i = 0; i < FLOOR_REPEATS; i++) runs.push(await child(args, 'child-floor'));
  return { ms: median(runs.map((r) => r.firstAnswerMs)), freshMs: median(runs.flatMap((r) => r.freshMs)), threads };
}

const target = (ms, limit) => `target < ${limit} ms: ${ms < limit ? 'met' : 'missed'}`;

export async function run() {
  await build({ entryPoints: [fileURLToPath(new URL('./floor-thread.js', import.meta.url))], outfile: FLOOR_BUNDLE, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['better-sqlite3'], logLevel: 'warning' });
  const four = await measure('seed-4', ROUNDS);
  const many = await measure('global-25', 0);
  const [floor4, floor25] = [await floor(4), await floor(25)];
  const floorNote = (f, apps, ms) => `${(ms / f.ms).toFixed(2)}x of the floor: ${apps} bare Fastify+SQLite apps with a PoP's routes on ${f.threads} threads loaded from a code cache (bench/child-floor.js), ${f.ms.toFixed(0)} ms`;
  const reset = median(four.resetMs);
  const fresh = median(four.freshMs);
  progress(`fixture: start 4 PoPs ${four.firstAnswerMs.toFixed(0)} ms, 25 PoPs ${many.firstAnswerMs.toFixed(0)} ms; reset ${reset.toFixed(1)} ms, fresh ${fresh.toFixed(0)} ms`);
  return [
    { metric: 'startFabric() -> first answer, 4 PoPs (new process)', value: four.firstAnswerMs.toFixed(0), unit: 'ms', note: `${target(four.firstAnswerMs, 300)}; a second start in the process ${four.secondStartMs.toFixed(0)} ms; ${floorNote(floor4, 4, four.firstAnswerMs)}` },
    { metric: 'startFabric() -> first answer, 25 PoPs (new process)', value: many.firstAnswerMs.toFixed(0), unit: 'ms', note: `${target(many.firstAnswerMs, 1500)}; a second start ${many.secondStartMs.toFixed(0)} ms; ${floorNote(floor25, 25, many.firstAnswerMs)}` },
    { metric: 'isolation by reset, 4 PoPs (isolateFabric)', value: reset.toFixed(1), unit: 'ms', note: `median of ${four.resetMs.length}; ${target(reset, 20)}` },
    { metric: 'isolation by a fresh fabric, 4 PoPs', value: fresh.toFixed(0), unit: 'ms', note: `median of ${four.freshMs.length}; ${target(fresh, 100)}; reset is ${(fresh / reset).toFixed(0)}x cheaper, so fabric-emu/vitest resets by default; ${(fresh / floor4.freshMs).toFixed(2)}x of the floor's kept threads building their apps anew, ${floor4.freshMs.toFixed(0)} ms` },
  ];
}
