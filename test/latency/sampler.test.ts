import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { sampleLoss, sampleOneWay, sampleRtt } from '../../src/latency/sampler.js';
import type { LinkProfile } from '../../src/topology/index.js';

const link = (over: Partial<LinkProfile>): LinkProfile => ({
  rttMs: 90,
  jitterMs: 2,
  distribution: 'normal',
  lossRate: 0,
  source: 'test',
  derived: false,
  ...over,
});

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const N = 20_000;

describe('sampleOneWay', () => {
  it.each(['normal', 'uniform'] as const)('%s: mean near rtt/2', (distribution) => {
    const rng = createRng(1);
    const xs = Array.from({ length: N }, () => sampleOneWay(link({ distribution }), rng));
    // Standard error of the mean is at most 2/sqrt(N) ~ 0.014 ms; 0.1 ms is > 5 of them.
    expect(Math.abs(mean(xs) - 45)).toBeLessThan(0.1);
  });

  it('uniform stays within rtt/2 +- jitter', () => {
    const rng = createRng(2);
    for (let i = 0; i < N; i++) {
      const x = sampleOneWay(link({ distribution: 'uniform', jitterMs: 5 }), rng);
      expect(x >= 40 && x <= 50).toBe(true);
    }
  });

  it('constant is exactly rtt/2', () => {
    expect(sampleOneWay(link({ distribution: 'constant', jitterMs: 50 }), createRng(1))).toBe(45);
  });

  it('is never negative, even when jitter dwarfs the delay', () => {
    const rng = createRng(3);
    for (const distribution of ['normal', 'uniform'] as const) {
      for (let i = 0; i < N; i++) {
        expect(sampleOneWay(link({ rttMs: 1, jitterMs: 20, distribution }), rng)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('replays exactly for the same seed', () => {
    const a = createRng(4);
    const b = createRng(4);
    const p = link({});
    expect(Array.from({ length: 50 }, () => sampleOneWay(p, a))).toEqual(
      Array.from({ length: 50 }, () => sampleOneWay(p, b)),
    );
  });
});

describe('sampleRtt', () => {
  it('has mean near rtt', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: N }, () => sampleRtt(link({}), rng));
    expect(Math.abs(mean(xs) - 90)).toBeLessThan(0.15);
  });
});

describe('sampleLoss', () => {
  it('drops about lossRate of the messages and none on a lossless link', () => {
    const rng = createRng(6);
    const lost = Array.from({ length: N }, () => sampleLoss(link({ lossRate: 0.1 }), rng)).filter(Boolean).length;
    // Binomial sd = sqrt(N * 0.1 * 0.9) ~ 42; allow 5 sd.
    expect(Math.abs(lost - N * 0.1)).toBeLessThan(212);
    expect(sampleLoss(link({}), rng)).toBe(false);
  });
});
