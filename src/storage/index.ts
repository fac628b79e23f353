import { HlcClock } from '../core/hlc.js';
import { ChangeLog } from './changelog.js';
import { CollectionStore } from './collections.js';
import { openDatabase, type Db } from './database.js';
import { DocumentStore } from './documents.js';
import { Applier } from './apply.js';

export * from './collections.js';
export * from './documents.js';
export * from './changelog.js';
export * from './apply.js';
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
  readonly applier: Applier;
  /** Wipes every collection, document, change and version-vector entry (the emulator's reset). */
  reset(): void;
  close(): void;
}

export function openStorage(opts: StorageOptions): Storage {
  const db = openDatabase(opts.path);
  const clock = opts.clock ?? new HlcClock();
  const changes = new ChangeLog(db);
  const collections = new CollectionStore(db, changes, clock, opts.region);
  const documents = new DocumentStore(db, collections, changes, clock, opts.region, opts.regionOrdinal);
  const applier = new Applier(db, collections, documents, clock);
  return {
    db,
    applier,
    reset: () => {
      db.transaction(() => {
        for (const t of ['documents', 'collections', 'changes', 'applied']) db.prepare(`DELETE FROM ${t}`).run();
        // Sequence numbers restart too, so peers' version vectors (also wiped) line up again.
        db.prepare("DELETE FROM sqlite_sequence WHERE name IN ('documents', 'collections', 'changes')").run();
      })();
      collections.reload();
    },
    clock,
    changes,
    collections,
    documents,
    close: () => {
      if (db.open) db.close();
    },
  };
}
