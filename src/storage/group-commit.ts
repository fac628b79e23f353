import { atomic, type Db } from './database.js';

/**
 * Group commit. Writes of requests that arrive in the same turn of the event loop share one SQLite
 * transaction, each in its own savepoint (so one request's failure rolls back only its own
 * writes), and the transaction commits on the next turn. Committing costs far more than a small
 * write (every touched page is written to the WAL), so under concurrent load this multiplies write
 * throughput. A request is answered only after the commit that holds its writes (see flush), so an
 * acknowledged write is as durable as with a transaction per request.
 */
export class GroupCommit {
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  /** Runs `fn` inside the current group (opening one); its writes commit with the group. */
  run<T>(fn: () => T): T {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    this.schedule();
    return atomic(this.db, fn);
  }

  /** True while a group holds uncommitted writes. */
  open(): boolean {
    return this.scheduled && this.db.inTransaction;
  }

  /** Resolves once the open group (if any) has committed; rejects if that commit failed. */
  flush(): Promise<void> {
    if (!this.open()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Commits now, e.g. before the database closes. */
  commitNow(): void {
    this.commit();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const w of waiters) w.reject(e);
      return;
    }
    for (const w of waiters) w.resolve();
  }
}
