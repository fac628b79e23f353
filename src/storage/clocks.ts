/**
 * The one ordering of last-writer-wins clocks (spec/replication.md "Conflicts"). Every register in
 * storage (document attributes and existence, collections, index definitions, RESTQL definitions,
 * document positions) is stamped with a clock `<hlc>|<origin>` and a write takes effect on a
 * register only when its clock is newer. The HLC part is fixed-width and sorts like the clock
 * (core/hlc.ts), the origin region name breaks ties, so two writes never compare equal; '' is
 * "never written" and sorts below every clock.
 *
 * Clocks compare as plain strings, so SQL over them (SQLite's BINARY collation on these ASCII
 * texts) orders them the same way: purge.ts and the `ord` column rely on it.
 */
import { formatHlc, parseHlc } from '../core/hlc.js';

export type WriteClock = string;

/** The register value nothing has written yet. */
export const NEVER_WRITTEN: WriteClock = '';

export function clockOf(hlc: string, origin: string): WriteClock {
  return `${hlc}|${origin}`;
}

export function hlcOfClock(clock: WriteClock): string {
  const bar = clock.indexOf('|');
  return bar === -1 ? clock : clock.slice(0, bar);
}

/** Negative when `a` is older than `b`, positive when newer, 0 for the same write. */
export function compareClocks(a: WriteClock, b: WriteClock): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a write at `clock` wins over a register last set at `current`. */
export function newer(clock: WriteClock, current: WriteClock): boolean {
  return compareClocks(clock, current) > 0;
}

/** The newest of some clocks (NEVER_WRITTEN for none). */
export function newestOf(clocks: Iterable<WriteClock>): WriteClock {
  let max = NEVER_WRITTEN;
  for (const c of clocks) if (newer(c, max)) max = c;
  return max;
}

/**
 * The clock right after `clock`: newer than every clock with its HLC or an older one, older than
 * every clock with a newer HLC. It names no origin, so every replica that computes it from the same
 * clock gets the same value (an expiry stamps its removal with it, see DocumentStore.expire).
 */
export function justAfter(clock: WriteClock): WriteClock {
  const h = parseHlc(hlcOfClock(clock));
  if (!h) throw new Error(`storage: not a write clock: ${JSON.stringify(clock)}`);
  return clockOf(formatHlc({ physical: h.physical, logical: h.logical + 1 }), '');
}
