import { ManualClock } from '../../src/core/clock.js';
import { openStorage, type Storage } from '../../src/storage/index.js';

/**
 * A replica driven as the simulation drives one: on a manual clock, where a write commits only
 * when deferred work runs. Pass one clock to several replicas to step them together.
 */
export type Replica = Storage & { readonly clock: ManualClock };

export function openReplica(region = 'r1', ordinal = 0, opts: { path?: string; clock?: ManualClock } = {}): Replica {
  return openStorage({ path: opts.path, region, regionOrdinal: ordinal, clock: opts.clock ?? new ManualClock() }) as Replica;
}

/** One write, then the clock runs what is due, which commits it (whether or not it threw). */
export function commit<T>(s: Replica, fn: () => T): T {
  try {
    return s.write(fn);
  } finally {
    s.clock.runDue();
  }
}
