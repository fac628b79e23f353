import type { Clock } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import type { Db } from './database.js';

const LOST = 'storage: the transaction was rolled back by SQLite before it could commit';

export interface WritePathHooks {
  /** After every commit: the change log moves its committed high-water mark. */
  committed(): void;
  /**
   * After a rollback that may have undone writes behind an in-memory cache (collections, index
   * definitions): the stores re-read their rows.
   */
  rolledBack(): void;
}

/**
 * The one way to change a replica: every writer (REST handlers, C8QL, RESTQL definitions, TTL
 * sweeps, replication apply, reset) calls `write(fn)`, and the stores refuse to change anything
 * outside one.
 *
 * Group commit: the writes of one turn of the clock share one SQLite transaction, each write in
 * its own savepoint (so one failing write rolls back only itself), and the transaction commits
 * on the next turn (`clock.defer`). Committing costs far more than a small write (every touched
 * page goes to the WAL), so under concurrent load this multiplies write throughput. A request is
 * answered only after the commit that holds its writes (`whenCommitted`), so an acknowledged write
 * is as durable as with a transaction per request. With a ManualClock the commit runs when the
 * caller runs deferred work (`clock.runDue()`), or at once with `commitNow()`.
 */
export class WritePath {
  private depth = 0;
  /** A transaction is open and its commit is scheduled. */
  private pending = false;
  /** A store changed an in-memory cache since the last commit (see WritePathHooks.rolledBack). */
  private cachesTouched = false;
  private commitAfterWrite = false;
  private waiters: ((err?: unknown) => void)[] = [];
  private readonly listeners = new Set<() => void>();
  /** better-sqlite3 builds a new wrapper per db.transaction() call, costlier than a small write: one, reused. */
  private readonly savepoint: (fn: () => unknown) => unknown;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hooks: WritePathHooks,
  ) {
    this.savepoint = db.transaction((fn: () => unknown) => fn());
  }

  /** Another connection is writing (Storage.exclusive): a write here would wait on SQLite's lock and block the loop. */
  private heldElsewhere = false;

  /** Runs `fn` as one write of the current group; its changes commit with the group. */
  write<T>(fn: () => T): T {
    if (this.heldElsewhere && this.depth === 0) {
      throw gdnError('SERVICE_UNAVAILABLE', 'storage: another connection holds the write lock; wait for Storage.writable() before writing');
    }
    // SQLite itself rolls a transaction back on some errors (disk full): that group's writes are gone.
    if (this.pending && !this.db.inTransaction) this.settle(new Error(LOST));
    if (!this.pending) {
      this.db.exec('BEGIN');
      this.pending = true;
      this.clock.defer(() => this.commit());
    }
    this.depth++;
    try {
      return this.atomic(fn);
    } finally {
      this.depth--;
      if (this.depth === 0 && this.ungrouped > 0) this.commit();
      else if (this.depth === 0 && this.commitAfterWrite) {
        this.commitAfterWrite = false;
        this.clock.defer(() => this.commit());
      }
    }
  }

  /** Inside a write: runs `fn` in a savepoint of its own, so that a failing part undoes only itself. */
  atomic<T>(fn: () => T): T {
    this.assertWriting();
    try {
      return this.savepoint(fn) as T;
    } catch (e) {
      if (this.cachesTouched) this.hooks.rolledBack();
      throw e;
    }
  }

  /** Stores call this before changing anything. */
  assertWriting(): void {
    if (this.depth === 0) throw new Error('storage: a change outside storage.write(); every writer goes through it');
  }

  /** A store is about to change an in-memory cache that a rollback would leave stale. */
  touchCaches(): void {
    this.assertWriting();
    this.cachesTouched = true;
  }

  /** Calls `done` once every write made so far has committed (at once when none is pending); with the error if the commit failed. */
  whenCommitted(done: (err?: unknown) => void): void {
    if (this.pending) this.waiters.push(done);
    else done();
  }

  committed(): Promise<void> {
    return new Promise((resolve, reject) => this.whenCommitted((err) => (err === undefined ? resolve() : reject(err))));
  }

  private soonQueued = false;

  /**
   * Commits the open group once the current task's synchronous work is done (Clock.soon), not on
   * the next turn: for a writer whose latency matters more than sharing the commit with the other
   * connections' writes of the turn (a stream publish). Writes made in the same task still share it.
   */
  commitSoon(): void {
    if (!this.pending || this.soonQueued) return;
    this.soonQueued = true;
    this.clock.soon(() => {
      this.soonQueued = false;
      this.commit();
    });
  }

  /** Commits the open group now (before the database closes, or when a caller steps time by hand). */
  commitNow(): void {
    this.commit();
  }

  private ungrouped = 0;

  /**
   * Until the returned release is called, every write commits as soon as it returns instead of
   * with its group on the next turn, so that no transaction of this connection stays open between
   * turns. SQLite's online backup cannot step while one is (see Storage.backup).
   */
  ungroup(): () => void {
    this.commit();
    this.ungrouped++;
    let released = false;
    return () => {
      if (!released) this.ungrouped--;
      released = true;
    };
  }

  /** While true, writes here are refused instead of blocking on the lock another connection holds. */
  holdElsewhere(on: boolean): void {
    this.heldElsewhere = on;
  }

  /** Another connection committed writes to this database: the log's high-water mark moves, listeners hear of it. */
  committedElsewhere(): void {
    this.hooks.committed();
    for (const l of this.listeners) l();
  }

  /**
   * What a crash of the process does to the replica: the open group is rolled back, its waiters
   * are told it failed (never that it committed), and the replica is as SQLite finds it on the next
   * start. The simulation kills PoPs with it.
   */
  crash(): void {
    if (!this.pending) return;
    if (this.depth > 0) throw new Error('storage: crash() inside a write');
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.settle(new Error('storage: the PoP crashed before this write committed'));
  }

  /** Told after every successful commit. */
  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(): void {
    if (!this.pending) return;
    if (this.depth > 0) {
      // Deferred work run from inside a write (a manual clock stepped by it): commit once the write is over.
      this.commitAfterWrite = true;
      return;
    }
    if (!this.db.inTransaction) return this.settle(new Error(LOST));
    try {
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      return this.settle(e);
    }
    this.settle(undefined);
  }

  /** Ends the group: committed when `error` is undefined, rolled back otherwise. */
  private settle(error: unknown): void {
    this.pending = false;
    const waiters = this.waiters;
    this.waiters = [];
    if (error === undefined) {
      this.hooks.committed();
      for (const l of this.listeners) l();
    } else if (this.db.open) {
      this.hooks.rolledBack();
    }
    this.cachesTouched = false;
    for (const w of waiters) w(error);
  }
}
