import type { QueryList, QueryListing } from '../api/context.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';

interface Entry {
  /** The storage key `<tenant>/<fabric>`: a tenant lists and kills only its own queries. */
  fabric: string;
  listing: Omit<QueryListing, 'runTime' | 'state'>;
  /** Real time, ms: the fabric clock may be frozen or advanced. */
  startedAt: number;
  kill: () => void;
  killed: boolean;
}

/** ArangoDB's defaults: a query slower than 10 s is kept in its database's slow list, the 64 latest of them. */
export const SLOW_QUERY_THRESHOLD_S = 10;
export const MAX_SLOW_QUERIES = 64;

/**
 * The PoP's running and slow queries. A query is listed once it runs off the PoP's loop (in the
 * query executor): before that it holds the loop, so no request could ask for it anyway.
 */
export class RunningQueries implements QueryList {
  private readonly running = new Map<string, Entry>();
  private readonly slowLists = new Map<string, QueryListing[]>();
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  /** Lists a query of `fabric` (storage key; `database` its plain name) that started `startedAt` (real time, ms) and can be killed with `kill`. */
  add(fabric: string, database: string, user: string, query: string, bindVars: Record<string, unknown> | undefined, startedAt: number, kill: () => void): string {
    const id = String(this.nextId++);
    const wallStart = this.clock.now() - (systemClock.now() - startedAt);
    this.running.set(id, {
      fabric,
      listing: { id, database, user, query, bindVars: bindVars ?? {}, started: new Date(wallStart).toISOString(), peakMemoryUsage: 0, stream: false },
      startedAt,
      kill,
      killed: false,
    });
    return id;
  }

  finish(id: string): void {
    const e = this.running.get(id);
    if (!e) return;
    this.running.delete(id);
    const runTime = (systemClock.now() - e.startedAt) / 1000;
    if (runTime < SLOW_QUERY_THRESHOLD_S) return;
    const list = [...(this.slowLists.get(e.fabric) ?? []), { ...e.listing, runTime, state: e.killed ? ('killed' as const) : ('finished' as const) }];
    this.slowLists.set(e.fabric, list.slice(-MAX_SLOW_QUERIES));
  }

  current(fabric: string): QueryListing[] {
    const now = systemClock.now();
    return [...this.running.values()]
      .filter((e) => e.fabric === fabric)
      .map((e) => ({ ...e.listing, runTime: (now - e.startedAt) / 1000, state: e.killed ? 'killed' : 'executing' }));
  }

  slow(fabric: string): QueryListing[] {
    return [...(this.slowLists.get(fabric) ?? [])];
  }

  clearSlow(fabric: string): void {
    this.slowLists.delete(fabric);
  }

  /** false when no query of that id runs in that fabric. */
  kill(fabric: string, id: string): boolean {
    const e = this.running.get(id);
    if (!e || e.fabric !== fabric) return false;
    e.killed = true;
    e.kill();
    return true;
  }
}
