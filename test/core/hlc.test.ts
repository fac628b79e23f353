import { describe, expect, it } from 'vitest';
import { compareHlc, formatHlc, HlcClock, parseHlc } from '../../src/core/hlc.js';
import { generatedKey } from '../../src/core/ids.js';

describe('hybrid logical clock', () => {
  it('never goes backwards when the wall clock does, and bumps the counter on equal time', () => {
    let wall = 1000;
    const c = new HlcClock(() => wall);
    const a = c.now();
    const b = c.now();
    wall = 500;
    const d = c.now();
    expect(a).toEqual({ physical: 1000, logical: 0 });
    expect(b).toEqual({ physical: 1000, logical: 1 });
    expect(d).toEqual({ physical: 1000, logical: 2 });
    wall = 2000;
    expect(c.now()).toEqual({ physical: 2000, logical: 0 });
  });

  it('moves past an observed remote timestamp', () => {
    const c = new HlcClock(() => 10);
    c.observe({ physical: 50, logical: 3 });
    expect(compareHlc(c.now(), { physical: 50, logical: 3 })).toBeGreaterThan(0);
  });

  it('renders so that string order is clock order, and parses back', () => {
    const samples = [
      { physical: 5, logical: 0 },
      { physical: 5, logical: 1 },
      { physical: 1_795_680_435_912, logical: 0 },
      { physical: 1_795_680_435_912, logical: 40_000 },
      { physical: 1_795_680_435_913, logical: 0 },
    ];
    const strings = samples.map(formatHlc);
    expect([...strings].sort()).toEqual(strings);
    expect(strings.map(parseHlc)).toEqual(samples);
    expect(parseHlc('garbage')).toBeUndefined();
  });

  it('generated keys differ across regions for the same timestamp and grow with time', () => {
    const h = { physical: 1_795_680_435_912, logical: 7 };
    expect(generatedKey(h, 0)).not.toBe(generatedKey(h, 1));
    expect(BigInt(generatedKey({ physical: h.physical + 1, logical: 0 }, 0)) > BigInt(generatedKey(h, 99))).toBe(true);
  });
});
