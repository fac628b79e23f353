import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';

const take = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

describe('createRng', () => {
  it('replays the same sequence for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    expect(take(100, () => a.next())).toEqual(take(100, () => b.next()));
  });

  it('gives different sequences for different seeds', () => {
    const a = createRng(1);
    const b = createRng(2);
    expect(take(10, () => a.next())).not.toEqual(take(10, () => b.next()));
  });

  it('stays in [0, 1) and int() in [0, n)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = rng.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
    }
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('has a roughly uniform mean and a normal() with the asked moments', () => {
    const rng = createRng(3);
    const n = 20_000;
    const u = take(n, () => rng.next());
    expect(u.reduce((s, x) => s + x, 0) / n).toBeCloseTo(0.5, 1);
    const g = take(n, () => rng.normal(10, 2));
    const mean = g.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(g.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    // 5 standard errors: sd/sqrt(n) ~ 0.014 for the mean.
    expect(Math.abs(mean - 10)).toBeLessThan(0.07);
    expect(Math.abs(sd - 2)).toBeLessThan(0.1);
  });

  it('forks deterministic sub-streams that ignore how much the parent drew', () => {
    const a = createRng(5);
    const b = createRng(5);
    take(50, () => b.next());
    expect(take(20, () => a.fork('link').next())).toEqual(take(20, () => b.fork('link').next()));
    const x = a.fork('x');
    const y = a.fork('y');
    expect(take(10, () => x.next())).not.toEqual(take(10, () => y.next()));
  });

  it('does not disturb the parent stream when forking', () => {
    const a = createRng(9);
    const b = createRng(9);
    a.fork('anything').next();
    expect(take(10, () => a.next())).toEqual(take(10, () => b.next()));
  });

  it('distinguishes fork paths by order', () => {
    const r = createRng(11);
    expect(r.fork('a').fork('b').next()).not.toBe(r.fork('b').fork('a').next());
  });
});
