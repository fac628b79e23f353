import { describe, expect, it } from 'vitest';
import { runSchedule, type ScheduleResult } from '../../src/sim/schedule.js';
import { applyWrite, type RegisterMerge } from '../../src/storage/index.js';
import { presetTopology } from '../../src/topology/index.js';
import { explain } from './suite.js';

const topology = presetTopology('seed-4');

/** Ties resolved by arrival: the HLC alone decides, the region name no longer breaks a tie. */
const tieByArrival: RegisterMerge = (prev, clock, w) => applyWrite(prev, `${clock.slice(0, clock.indexOf('|'))}|`, w);

/** A PATCH that brings a deleted document back. */
const patchResurrects: RegisterMerge = (prev, clock, w) => {
  const next = applyWrite(prev, clock, w);
  return next && w.kind === 'patch' ? { ...next, deleted: false } : next;
};

/** The first seed whose schedule fails with `merge`, of at most `limit`. */
function firstFailure(merge: RegisterMerge, limit: number): ScheduleResult | undefined {
  for (let seed = 1; seed <= limit; seed++) {
    const r = runSchedule({ seed, topology, steps: 20, merge });
    if (r.failures.length > 0) return r;
  }
  return undefined;
}

describe('the simulation catches a deliberately broken merge rule and names the seed', () => {
  it.each([
    ['ties between regions resolved by arrival order', tieByArrival],
    ['a PATCH that resurrects a deleted document', patchResurrects],
  ])('%s', (name, merge) => {
    const failed = firstFailure(merge, 300);
    expect(failed, `no schedule of 300 caught: ${name}`).toBeDefined();
    const message = explain(failed!);
    console.log(`broken rule "${name}" caught by ${message.split('\n').slice(0, 3).join('\n')}`);
    expect(message).toMatch(new RegExp(`^seed ${failed!.seed} failed:\n`));
    expect(failed!.failures.some((f) => /digests differ|disagrees with the oracle|lost acknowledged write/.test(f))).toBe(true);
    // The same seed with the real rule converges: the rule, not the schedule, failed.
    expect(runSchedule({ seed: failed!.seed, topology, steps: 20 }).failures).toEqual([]);
  });
});
