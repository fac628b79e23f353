/**
 * Hybrid logical clock (spec/replication.md "Clocks"). A timestamp is physical milliseconds plus a
 * logical counter; a local event never goes backwards even if the wall clock does, and receiving a
 * remote timestamp moves the clock past it so that cause precedes effect across regions.
 */
export interface Hlc {
  readonly physical: number;
  readonly logical: number;
}

export type WallClock = () => number;

export class HlcClock {
  private last: Hlc = { physical: 0, logical: 0 };

  constructor(private readonly wall: WallClock = Date.now) {}

  /** A fresh timestamp for a local write, strictly greater than every one seen before. */
  now(): Hlc {
    const wall = this.wall();
    this.last =
      wall > this.last.physical
        ? { physical: wall, logical: 0 }
        : { physical: this.last.physical, logical: this.last.logical + 1 };
    return this.last;
  }

  /** Merge a timestamp received from a peer so later local writes sort after it. */
  observe(remote: Hlc): void {
    if (compareHlc(remote, this.last) > 0) this.last = remote;
  }

  peek(): Hlc {
    return this.last;
  }
}

export function compareHlc(a: Hlc, b: Hlc): number {
  return a.physical - b.physical || a.logical - b.logical;
}

/*
 * Rendered fixed-width in base 36 so that string order equals clock order: 9 characters cover
 * physical times up to the year 5188, 4 more cover 1.6 million writes in one millisecond.
 */
const PHYSICAL_WIDTH = 9;
const LOGICAL_WIDTH = 4;

export function formatHlc(h: Hlc): string {
  return (
    '_' +
    h.physical.toString(36).padStart(PHYSICAL_WIDTH, '0') +
    h.logical.toString(36).padStart(LOGICAL_WIDTH, '0')
  );
}

export function parseHlc(s: string): Hlc | undefined {
  if (s.length !== 1 + PHYSICAL_WIDTH + LOGICAL_WIDTH || s[0] !== '_') return undefined;
  const physical = parseInt(s.slice(1, 1 + PHYSICAL_WIDTH), 36);
  const logical = parseInt(s.slice(1 + PHYSICAL_WIDTH), 36);
  if (!Number.isFinite(physical) || !Number.isFinite(logical)) return undefined;
  return { physical, logical };
}
