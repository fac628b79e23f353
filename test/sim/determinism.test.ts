import { describe, expect, it } from 'vitest';
import { runSchedule } from '../../src/sim/schedule.js';
import { presetTopology } from '../../src/topology/index.js';

describe('a schedule replays exactly from its seed', () => {
  const topology = presetTopology('seed-4');
  const run = (seed: number) => runSchedule({ seed, topology, trace: true });

  it('the same seed gives a byte-identical trace (network events, applied batches, acknowledged writes, digests)', () => {
    const first = run(7);
    const second = run(7);
    expect(first.failures).toEqual([]);
    expect(first.frames).toBeGreaterThan(50);
    expect(first.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.traceHash).toBe(first.traceHash);
    expect(second.log).toEqual(first.log);
  });

  it('a different seed gives a different trace', () => {
    expect(run(8).traceHash).not.toBe(run(7).traceHash);
  });
});
