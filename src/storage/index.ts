import { HlcClock } from '../core/hlc.js';
import { ChangeLog } from './changelog.js';
import { CollectionStore } from './collections.js';
import { openDatabase, type Db } from './database.js';
import { DocumentStore } from './documents.js';

export * from './collections.js';
export * from './documents.js';
export * from './changelog.js';
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
  close(): void;
}

export function openStorage(opts: StorageOptions): Storage {
  const db = openDatabase(opts.path);
  const clock = opts.clock ?? new HlcClock();
  const changes = new ChangeLog(db);
  const collections = new CollectionStore(db, changes, clock, opts.region);
  const documents = new DocumentStore(db, collections, changes, clock, opts.region, opts.regionOrdinal);
  return {
    db,
    clock,
    changes,
    collections,
    documents,
    close: () => {
      if (db.open) db.close();
    },
  };
}
