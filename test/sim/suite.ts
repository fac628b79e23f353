import { afterAll, describe, expect, it } from 'vitest';
import { formatFigures, runSchedule, summarize, type ScheduleOptions, type ScheduleResult } from '../../src/sim/schedule.js';

export interface SuiteOptions extends Omit<ScheduleOptions, 'seed'> {
  title: string;
  /** This file, for the replay hint. */
  file: string;
  schedules: number;
  /** Schedules per `it`, so a failure names a small range and progress shows. */
  chunk: number;
}

/** Why a schedule failed, and with the suite's file, what to run to replay it alone. */
export function explain(r: ScheduleResult, file?: string): string {
  return [
    `seed ${r.seed} failed${file ? ` (replay: SIM_SEED=${r.seed} npx vitest run ${file})` : ''}:`,
    ...r.failures.slice(0, 12).map((f) => `  ${f}`),
    '  last steps:',
    ...r.log.slice(-25).map((l) => `    ${l}`),
  ].join('\n');
}

/**
 * Runs `schedules` seeded schedules (SIM_SEEDS overrides the count, SIM_SEED runs one seed alone)
 * and prints the figures once they all ran.
 */
export function scheduleSuite(o: SuiteOptions): void {
  const only = process.env['SIM_SEED'];
  const count = Number(process.env['SIM_SEEDS'] ?? o.schedules);
  const seeds = only ? [Number(only)] : Array.from({ length: count }, (_, i) => i + 1);
  const results: ScheduleResult[] = [];
  let ms = 0;
  afterAll(() => console.log(`${o.title}: ${formatFigures(summarize(results), ms)}`));
  describe(o.title, () => {
    for (let i = 0; i < seeds.length; i += o.chunk) {
      const range = seeds.slice(i, i + o.chunk);
      it(`seeds ${range[0]}-${range[range.length - 1]}: identical digests, the oracle's state, no acknowledged write lost`, async () => {
        const failed: string[] = [];
        let t0 = performance.now();
        for (const [i, seed] of range.entries()) {
          const r = runSchedule({ ...o, seed });
          results.push(r);
          if (r.failures.length > 0) failed.push(explain(r, o.file));
          // Seconds of synchronous work would starve the worker's messages to vitest (an RPC timeout).
          if (i % 10 === 9) {
            ms += performance.now() - t0;
            await new Promise((resolve) => setImmediate(resolve));
            t0 = performance.now();
          }
        }
        ms += performance.now() - t0;
        expect(failed.join('\n\n')).toBe('');
      });
    }
  });
}
