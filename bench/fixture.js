/**
 * The in-process test fixture (docs/fixtures.md): start-up to the first answered request for 4 and
 * 25 PoPs, and the two ways to isolate tests on a 4-PoP fabric, a reset (isolateFabric, what
 * fabric-emu/vitest does by default) and a fresh fabric per test, each in a fresh process
 * (bench/child-fixture.js). Targets: start-up < 300 ms (4 PoPs) and < 1.5 s (25), reset < 20 ms,
 * fresh fabric < 100 ms. The default isolation is the cheaper of the two, by these figures.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { envInt, median, progress } from './support.js';

const CHILD = fileURLToPath(new URL('./child-fixture.js', import.meta.url));
const ROUNDS = envInt('BENCH_FIXTURE_ROUNDS', 5);

function measure(preset, rounds) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CHILD, preset, String(rounds)], { timeout: 300_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`child-fixture ${preset}: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const target = (ms, limit) => `target < ${limit} ms: ${ms < limit ? 'met' : 'missed'}`;

export async function run() {
  const four = await measure('seed-4', ROUNDS);
  const many = await measure('global-25', 0);
  const reset = median(four.resetMs);
  const fresh = median(four.freshMs);
  progress(`fixture: start 4 PoPs ${four.firstAnswerMs.toFixed(0)} ms, 25 PoPs ${many.firstAnswerMs.toFixed(0)} ms; reset ${reset.toFixed(1)} ms, fresh ${fresh.toFixed(0)} ms`);
  return [
    { metric: 'startFabric() -> first answer, 4 PoPs (new process)', value: four.firstAnswerMs.toFixed(0), unit: 'ms', note: `${target(four.firstAnswerMs, 300)}; a second start in the process ${four.secondStartMs.toFixed(0)} ms` },
    { metric: 'startFabric() -> first answer, 25 PoPs (new process)', value: many.firstAnswerMs.toFixed(0), unit: 'ms', note: `${target(many.firstAnswerMs, 1500)}; a second start ${many.secondStartMs.toFixed(0)} ms` },
    { metric: 'isolation by reset, 4 PoPs (isolateFabric)', value: reset.toFixed(1), unit: 'ms', note: `median of ${four.resetMs.length}; ${target(reset, 20)}` },
    { metric: 'isolation by a fresh fabric, 4 PoPs', value: fresh.toFixed(0), unit: 'ms', note: `median of ${four.freshMs.length}; ${target(fresh, 100)}; reset is ${(fresh / reset).toFixed(0)}x cheaper, so fabric-emu/vitest resets by default` },
  ];
}
