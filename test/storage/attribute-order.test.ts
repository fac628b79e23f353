import { describe, expect, it } from 'vitest';
import { presetTopology } from '../../src/topology/index.js';
import { runSchedule } from '../../src/sim/schedule.js';
import { applyWrite, clockOf, type RegisterState, type RegisterWrite } from '../../src/storage/index.js';

const c = (n: number, origin = 'r1') => clockOf(`_${String(n).padStart(12, '0')}`, origin);

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** What a client reads of the result: the body as JSON text, attribute order included. */
function replay(writes: [string, RegisterWrite][]): string {
  let state: RegisterState | undefined;
  for (const [clock, w] of writes) state = applyWrite(state, clock, w) ?? state;
  return JSON.stringify(state?.body);
}

describe('attribute order converges like the values (found by simulation seed 48)', () => {
  it('seed 48: two PATCHes of a document arriving in either order leave the same JSON, attribute order included', () => {
    const writes: [string, RegisterWrite][] = [
      [c(1), { kind: 'put', body: { x: 1, y: 2, z: 3 } }],
      [c(2, 'r2'), { kind: 'patch', set: { b: 1 }, unset: [] }],
      [c(3), { kind: 'patch', set: { a: 2 }, unset: [] }],
      [c(4, 'r3'), { kind: 'patch', set: {}, unset: ['x'] }],
      [c(5, 'r2'), { kind: 'patch', set: { x: 9, w: 1 }, unset: [] }],
    ];
    const texts = new Set(permutations(writes).map(replay));
    expect([...texts]).toEqual([JSON.stringify({ y: 2, z: 3, b: 1, a: 2, w: 1, x: 9 })]);
  });

  it('local writes keep the insert order; attributes a PATCH sets follow it, in the order they were set', () => {
    let s = applyWrite(undefined, c(1), { kind: 'put', body: { name: 'n', email: 'e', zip: 'z' } })!;
    expect(Object.keys(s.body)).toEqual(['name', 'email', 'zip']);
    s = applyWrite(s, c(2), { kind: 'patch', set: { phone: 'p' }, unset: [] })!;
    s = applyWrite(s, c(3), { kind: 'patch', set: { email: 'e2' }, unset: [] })!;
    expect(Object.keys(s.body)).toEqual(['name', 'zip', 'phone', 'email']);
    s = applyWrite(s, c(4), { kind: 'put', body: { zip: 'z', name: 'n' } })!;
    expect(Object.keys(s.body)).toEqual(['zip', 'name']);
  });

  it('seed 48 of the 4-PoP schedules converges', () => {
    expect(runSchedule({ seed: 48, topology: presetTopology('seed-4'), steps: 20 }).failures).toEqual([]);
  });
});
