import { isGdnError } from '../core/errors.js';
import { HlcClock } from '../core/hlc.js';
import { ChangeLog } from './changelog.js';
import { CollectionStore } from './collections.js';
import { atomic, openDatabase, type Db } from './database.js';
import { DocumentStore } from './documents.js';
import { Applier } from './apply.js';
import { IndexStore } from './indexes.js';
import { DocumentScanner } from './pushdown.js';
import { RestqlStore } from './restql.js';
import { GroupCommit } from './group-commit.js';

export * from './collections.js';
export * from './documents.js';
export * from './changelog.js';
export * from './apply.js';
export * from './indexes.js';
export * from './pushdown.js';
export * from './restql.js';
export { GroupCommit } from './group-commit.js';
export { clockOf, applyWrite, type RegisterState, type RegisterWrite, type Meta } from './registers.js';
export { SCHEMA_VERSION } from './migrations.js';

export interface StorageOptions {
  /** SQLite file path; undefined keeps the replica in memory. */
  path: string | undefined;
  region: string;
  regionOrdinal: number;
  clock?: HlcClock;
}

/** One PoP's replica: the SQLite database and the stores over it. */
export interface Storage {
  readonly db: Db;
  readonly clock: HlcClock;
  readonly changes: ChangeLog;
  readonly collections: CollectionStore;
  readonly documents: DocumentStore;
  readonly indexes: IndexStore;
  readonly scanner: DocumentScanner;
  readonly applier: Applier;
  readonly restql: RestqlStore;
  /** Shares one transaction among the writes of one event-loop turn; see GroupCommit. */
  readonly group: GroupCommit;
  /**
   * Removes the documents whose ttl index says they expired by `nowMs`, through the normal remove
   * path so the deletions replicate; returns how many it removed.
   */
  sweepExpired(nowMs?: number): number;
  /** Wipes every collection, document, change and version-vector entry (the emulator's reset). */
  reset(): void;
  close(): void;
}

export function openStorage(opts: StorageOptions): Storage {
  const db = openDatabase(opts.path);
  const clock = opts.clock ?? new HlcClock();
  const changes = new ChangeLog(db);
  const collections = new CollectionStore(db, changes, clock, opts.region);
  const indexes = new IndexStore(db, collections, changes, clock, opts.region, opts.regionOrdinal);
  const documents = new DocumentStore(db, collections, changes, clock, opts.region, opts.regionOrdinal, indexes);
  const restql = new RestqlStore(db, changes, clock, opts.region);
  const group = new GroupCommit(db);
  const applier = new Applier(db, collections, documents, clock, indexes, restql);
  return {
    db,
    applier,
    indexes,
    restql,
    group,
    scanner: new DocumentScanner(db),
    sweepExpired: (nowMs = Date.now()) =>
      atomic(db, () => {
        let removed = 0;
        for (const { collection, key } of indexes.expired(nowMs)) {
          try {
            documents.remove(collection, key);
            removed++;
          } catch (e) {
            if (!isGdnError(e) || e.errorName !== 'DOCUMENT_NOT_FOUND') throw e;
          }
        }
        return removed;
      }),
    reset: () => {
      atomic(db, () => {
        const sqlIndexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'docidx_%'").pluck().all() as string[];
        for (const name of sqlIndexes) db.exec(`DROP INDEX ${name}`);
        for (const t of ['documents', 'collections', 'indexes', 'changes', 'applied', 'restql']) db.prepare(`DELETE FROM ${t}`).run();
        // Sequence numbers restart too, so peers' version vectors (also wiped) line up again.
        db.prepare("DELETE FROM sqlite_sequence WHERE name IN ('documents', 'collections', 'indexes', 'changes')").run();
      });
      collections.reload();
      indexes.reload();
    },
    clock,
    changes,
    collections,
    documents,
    close: () => {
      if (!db.open) return;
      group.commitNow();
      db.close();
    },
  };
}
