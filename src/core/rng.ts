/**
 * Seeded RNG so a run's jitter replays exactly (DESIGN.md, Latency). xoshiro128** for the stream,
 * splitmix32 to spread a small seed over the 128-bit state (xoshiro must never start all-zero).
 * Math.random is never used: it cannot be seeded.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Gaussian sample (Box-Muller); always consumes two uniforms so streams stay aligned. */
  normal(mean: number, sd: number): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /**
   * An independent sub-stream named by `label`. It depends only on this generator's seed path and
   * the label, not on how many numbers were drawn, so adding a consumer never shifts another's stream.
   */
  fork(label: string): Rng;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over UTF-16 code units: stable across platforms, enough to separate fork labels. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`RNG seed must be a finite number, got ${seed}`);
  const root = Math.trunc(seed) >>> 0;
  const init = splitmix32(root);
  let a = init();
  let b = init();
  let c = init();
  let d = init();

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };

  const next = (): number => nextU32() / 0x1_0000_0000;

  return {
    next,
    normal(mean, sd) {
      const u1 = 1 - next(); // (0, 1]: log(0) would be -Infinity
      const u2 = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    int(maxExclusive) {
      if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) {
        throw new RangeError(`int() needs a positive integer bound, got ${maxExclusive}`);
      }
      return Math.floor(next() * maxExclusive);
    },
    fork(label) {
      // Mix the parent's seed with the label so fork('a').fork('b') differs from fork('b').fork('a').
      return createRng(splitmix32(root ^ hashLabel(label))());
    },
  };
}
