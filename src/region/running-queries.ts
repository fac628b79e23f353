import type { QueryList, QueryListing } from '../api/context.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';

interface Entry {
  listing: Omit<QueryListing, 'runTime' | 'state'>;
  /** Real time, ms: the fabric clock may be frozen or advanced. */
  startedAt: number;
  kill: () => void;
  killed: boolean;
}

/** ArangoDB's defaults: a query slower than 10 s is kept in the slow list, the 64 latest of them. */
export const SLOW_QUERY_THRESHOLD_S = 10;
export const MAX_SLOW_QUERIES = 64;

/**
 * The PoP's running and slow queries. A query is listed once it runs off the PoP's loop (in the
 * query executor): before that it holds the loop, so no request could ask for it anyway.
 */
export class RunningQueries implements QueryList {
  private readonly running = new Map<string, Entry>();
  private slowList: QueryListing[] = [];
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  /** Lists a query that started `startedAt` (real time, ms) and can be killed with `kill`. */
  add(database: string, query: string, bindVars: Record<string, unknown> | undefined, startedAt: number, kill: () => void): string {
    const id = String(this.nextId++);
    const wallStart = this.clock.now() - (systemClock.now() - startedAt);
    this.running.set(id, {
      listing: { id, database, user: 'root', query, bindVars: bindVars ?? {}, started: new Date(wallStart).toISOString(), peakMemoryUsage: 0, stream: false },
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
    this.slowList.push({ ...e.listing, runTime, state: e.killed ? 'killed' : 'finished' });
    if (this.slowList.length > MAX_SLOW_QUERIES) this.slowList = this.slowList.slice(-MAX_SLOW_QUERIES);
  }

  current(): QueryListing[] {
    const now = systemClock.now();
    return [...this.running.values()].map((e) => ({ ...e.listing, runTime: (now - e.startedAt) / 1000, state: e.killed ? 'killed' : 'executing' }));
  }

  slow(): QueryListing[] {
    return [...this.slowList];
  }

  clearSlow(): void {
    this.slowList = [];
  }

  /** false when no running query has that id. */
  kill(id: string): boolean {
    const e = this.running.get(id);
    if (!e) return false;
    e.killed = true;
    e.kill();
    return true;
  }
}
