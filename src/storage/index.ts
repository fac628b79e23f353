import type { Clock } from '../core/clock.js';
import { isGdnError } from '../core/errors.js';
import { existsSync } from 'node:fs';
import { formatHlc, HlcClock, parseHlc, type Hlc } from '../core/hlc.js';
import { ChangeLog } from './changelog.js';
import { CollectionStore } from './collections.js';
import { openDatabase, type Db } from './database.js';
import { DocumentStore } from './documents.js';
import type { RegisterMerge } from './registers.js';
import { Applier } from './apply.js';
import { IndexStore } from './indexes.js';
import { KvStore } from './kv.js';
import { copyImage, dynamicIndexes, imageInfo, prepareImage, REPLICA_TABLES, type ImageInfo } from './snapshot.js';
import { DocumentScanner } from './pushdown.js';
import { FabricFloors } from './fabric-floors.js';
import { RegistryStore } from './registry.js';
import { RestqlStore } from './restql.js';
import { CollectionFeed } from './stream-feed.js';
import { temporaryReplica } from './temp-replica.js';
import { StreamStore } from './streams.js';
import { WritePath } from './write-path.js';

export * from './collections.js';
export * from './documents.js';
export * from './changelog.js';
export * from './apply.js';
export * from './indexes.js';
export * from './pushdown.js';
export * from './restql.js';
export * from './registry.js';
export * from './registry-records.js';
export type { FabricFloors } from './fabric-floors.js';
export * from './kv.js';
export * from './streams.js';
export { applyWrite, type RegisterMerge, type RegisterState, type RegisterWrite, type Meta } from './registers.js';
export { clockOf, compareClocks, newer } from './clocks.js';
export { SCHEMA_VERSION } from './migrations.js';
export { ReplicaImageError, type ImageInfo } from './snapshot.js';

export interface StorageOptions {
  /** SQLite file path; undefined keeps the replica in memory (or in a temporary file, see tempFile). */
  path: string | undefined;
  /**
   * With no path: keep the replica in a temporary file, removed on close, instead of in memory, so
   * that another connection (the PoP's query executor) can open it too.
   */
  tempFile?: boolean;
  /** How long a write waits for another connection's lock before it fails (better-sqlite3's timeout). */
  busyTimeoutMs?: number;
  region: string;
  regionOrdinal: number;
  /** The tenant an old data dir's fabric data is moved to by the migration that qualified storage keys (default `_mm`). */
  legacyTenant?: string;
  /** The fabric's clock: HLC physical time, change log times, ttl expiry and the group commit's deferral. */
  clock: Clock;
  /**
   * Replaces the document register merge (registers.ts `applyWrite`) for this replica's local and
   * replicated document writes. An extension point with one user: the simulation's test that a
   * deliberately broken merge rule is caught. Anything but the default breaks convergence.
   */
  merge?: RegisterMerge;
}

/** One PoP's replica: the SQLite database and the stores over it. */
export interface Storage {
  readonly db: Db;
  readonly clock: Clock;
  readonly hlc: HlcClock;
  readonly changes: ChangeLog;
  readonly collections: CollectionStore;
  readonly documents: DocumentStore;
  readonly indexes: IndexStore;
  readonly scanner: DocumentScanner;
  readonly applier: Applier;
  readonly restql: RestqlStore;
  /** Users, API keys, grants and geo-fabrics of every tenant: replicated to every PoP. */
  readonly registry: RegistryStore;
  readonly floors: FabricFloors;
  readonly kv: KvStore;
  readonly streams: StreamStore;
  /**
   * The one write path: runs `fn` as one write (its own savepoint) of the current group commit;
   * the stores refuse to change anything outside it. See WritePath.
   */
  write<T>(fn: () => T): T;
  /** Resolves once every write made so far has committed; rejects if that commit failed. */
  committed(): Promise<void>;
  /** The callback form of committed(), for callers that must not wait for a microtask. */
  whenCommitted(done: (err?: unknown) => void): void;
  /** Commits the open group now instead of on the clock's next turn. */
  commitNow(): void;
  /** Commits the open group once the current task is done instead of on the clock's next turn (WritePath.commitSoon). */
  commitSoon(): void;
  /** Told after every commit; the change log's lastSeq() is then the committed high-water seq. */
  onCommit(listener: () => void): () => void;
  /** Rolls back what is not committed yet, as a crash of the process would; see WritePath.crash. */
  crash(): void;
  /**
   * Removes the documents whose ttl index says they expired by `nowMs` (default: the clock's now)
   * and the key-value pairs whose `expireAt` is due, through the write path so the removals reach
   * the change log and replicate; returns how many it removed.
   */
  sweepExpired(nowMs?: number): number;
  /** The epoch of this replica's change log: renewed by every reset, so peers know the log started over. */
  epoch(): string;
  /** Wipes every collection, document, change and version-vector entry (the emulator's reset), committed at once. */
  reset(): void;
  /**
   * Writes a consistent copy of the replica to `file` with SQLite's online backup, while the PoP
   * goes on serving: the copy is of the committed state at the moment it completes.
   */
  backup(file: string): Promise<ImageInfo>;
  /** Checks (and migrates forward, in place) a replica image before a restore; a ReplicaImageError says what is wrong. */
  prepareImage(file: string): ImageInfo;
  /**
   * Replaces everything in the replica with a prepared image (prepareImage), committed at once, as
   * one transaction: documents, KV, streams and cursors, users and keys, saved queries, the change
   * log with its epoch and the version vector. Replication must be stopped meanwhile, as for reset.
   */
  restore(file: string): Promise<void>;
  /** The database file another connection can open, or undefined for a replica in memory. */
  readonly path: string | undefined;
  /**
   * Runs `job`, which writes through another connection to this database (the query executor),
   * while this one writes nothing: the open group commits first, writes here are refused until the
   * job ends (callers wait on writable()), and then the caches, the HLC and the change log's
   * committed mark catch up with what the job wrote. Jobs run one at a time, in call order.
   */
  exclusive<T>(job: () => Promise<{ value: T; hlc?: Hlc }>): Promise<T>;
  /** undefined when a write may go ahead now; else a promise of the moment it may. */
  writable(): Promise<void> | undefined;
  close(): void;
}

export function openStorage(opts: StorageOptions): Storage {
  const { clock } = opts;
  const temp = opts.path === undefined && opts.tempFile ? temporaryReplica() : undefined;
  const path = opts.path ?? temp?.path;
  let db: Db;
  try {
    db = openDatabase(path, { legacyTenant: opts.legacyTenant ?? '_mm' }, opts.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: opts.busyTimeoutMs });
  } catch (e) {
    temp?.remove();
    throw e;
  }
  // The HLC counts whole milliseconds; the clock's fraction only orders change log times.
  const hlc = new HlcClock(() => Math.floor(clock.now()));
  const changes = new ChangeLog(db, clock);
  const caches: { reload(): void }[] = [];
  const w = new WritePath(db, clock, {
    committed: () => changes.markCommitted(),
    rolledBack: () => {
      for (const c of caches) c.reload();
    },
  });
  const collections = new CollectionStore(db, w, changes, hlc, opts.region);
  const indexes = new IndexStore(db, w, collections, changes, hlc, opts.region, opts.regionOrdinal);
  caches.push(collections, indexes);
  const streams = new StreamStore(db, w, changes, hlc, opts.region, opts.regionOrdinal, clock);
  caches.push(streams);
  const feed = new CollectionFeed(db, streams);
  collections.listen(feed);
  const documents = new DocumentStore(db, w, collections, changes, hlc, opts.region, opts.regionOrdinal, indexes, feed, opts.merge);
  const restql = new RestqlStore(db, w, changes, hlc, opts.region);
  const registry = new RegistryStore(db, w, changes, hlc, opts.region);
  const floors = new FabricFloors(db, w);
  caches.push(registry, floors);
  // A geo-fabric's drop removes its data here, whether the drop was made here or replicated.
  registry.onWrite((e, clock, verb) => {
    if (e.kind !== 'fabric' || verb !== 'delete') return;
    const key = `${e.tenant}/${e.id}`;
    floors.raise(key, clock);
    collections.dropFabric(key, clock);
    restql.dropFabric(key, clock);
  });
  const applier = new Applier(db, w, collections, documents, hlc, indexes, restql, registry, floors, streams);
  const kv = new KvStore(db, w, collections, documents, clock);
  caches.push(kv);
  // The clock never goes back across a restart either: resume after this replica's last own change.
  const lastOwn = parseHlc((db.prepare('SELECT hlc FROM changes ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? '');
  if (lastOwn) hlc.observe(lastOwn);
  const epochStmt = { get: db.prepare("SELECT value FROM meta WHERE key = 'epoch'").pluck(), set: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?)") };
  // An epoch is the HLC of the moment its log began: unique per region, and replayable in a simulation.
  const freshEpoch = () => formatHlc(hlc.now());
  let epoch = epochStmt.get.get() as string | undefined;
  if (epoch === undefined) {
    epoch = freshEpoch();
    epochStmt.set.run(epoch);
  }
  const write = <T>(fn: () => T): T => w.write(fn);
  const reloadAll = () => {
    collections.reload();
    indexes.reload();
    registry.reload();
    floors.reload();
    kv.reload();
    streams.reload();
  };
  let jobs: Promise<unknown> = Promise.resolve();
  let gate: { open: Promise<void>; release: () => void } | undefined;
  const exclusive = <T>(job: () => Promise<{ value: T; hlc?: Hlc }>): Promise<T> => {
    const run = async (): Promise<T> => {
      let release = () => undefined as void;
      gate = { open: new Promise<void>((r) => (release = r)), release };
      w.commitNow();
      w.holdElsewhere(true);
      let hlcSeen: Hlc | undefined;
      try {
        const r = await job();
        hlcSeen = r.hlc;
        return r.value;
      } finally {
        if (db.open) {
          if (hlcSeen) hlc.observe(hlcSeen);
          collections.reload();
          indexes.reload(false);
          // A replicated batch applied elsewhere may have changed users, keys, grants, fabrics and their
          // floors, streams (a create, a drop, a collection's change stream first written) and KV collections.
          registry.reload();
          floors.reload();
          streams.reload();
          kv.reload();
          w.committedElsewhere();
        }
        w.holdElsewhere(false);
        gate = undefined;
        release();
      }
    };
    const p = jobs.then(run, run);
    jobs = p.catch(() => undefined);
    return p;
  };
  return {
    db,
    clock,
    hlc,
    changes,
    collections,
    documents,
    indexes,
    restql,
    registry,
    floors,
    kv,
    streams,
    applier,
    scanner: new DocumentScanner(db),
    write,
    committed: () => w.committed(),
    whenCommitted: (done) => w.whenCommitted(done),
    commitNow: () => w.commitNow(),
    commitSoon: () => w.commitSoon(),
    onCommit: (listener) => w.onCommit(listener),
    crash: () => w.crash(),
    sweepExpired: (nowMs = clock.now()) =>
      write(() => {
        let removed = 0;
        for (const { collection, key } of indexes.expired(nowMs)) {
          try {
            documents.remove(collection, key);
            removed++;
          } catch (e) {
            if (!isGdnError(e) || e.errorName !== 'DOCUMENT_NOT_FOUND') throw e;
          }
        }
        for (const { collection, key } of kv.expired(nowMs)) if (documents.expire(collection, key)) removed++;
        return removed;
      }),
    epoch: () => epoch as string,
    path,
    exclusive,
    writable: () => gate?.open,
    reset: () => {
      write(() => {
        w.touchCaches();
        for (const { name } of dynamicIndexes(db)) db.exec(`DROP INDEX ${name}`);
        for (const t of REPLICA_TABLES) db.prepare(`DELETE FROM ${t}`).run();
        epoch = freshEpoch();
        epochStmt.set.run(epoch);
        // Sequence numbers restart too, so peers' version vectors (also wiped) line up again.
        db.prepare("DELETE FROM sqlite_sequence WHERE name IN ('documents', 'collections', 'indexes', 'changes', 'streams', 'stream_messages')").run();
        reloadAll();
      });
      // At once: the log's seqs restart, and entries below the old high-water mark must not look committed.
      w.commitNow();
    },
    backup: async (file) => {
      // A step of SQLite's online backup answers BUSY while this connection has a write
      // transaction open, and better-sqlite3 takes a BUSY first step for a finished backup (and
      // deletes the file). So no group stays open between the steps: writes commit one by one.
      const release = w.ungroup();
      try {
        const progress = await db.backup(file);
        if (progress.totalPages === 0 || !existsSync(file)) throw new Error(`storage: the backup to ${file} ended without writing it`);
      } finally {
        release();
      }
      return imageInfo(file);
    },
    prepareImage: (file) => prepareImage(file, { legacyTenant: opts.legacyTenant ?? '_mm' }),
    restore: async (file) => {
      // The query executor's job holds the write lock on its own connection: wait for it to end.
      for (let busy = gate?.open; busy; busy = gate?.open) await busy;
      w.commitNow();
      db.prepare('ATTACH DATABASE ? AS snap').run(file);
      try {
        write(() => {
          w.touchCaches();
          copyImage(db);
          epoch = (epochStmt.get.get() as string | undefined) ?? freshEpoch();
          epochStmt.set.run(epoch);
          reloadAll();
          // The clock never goes back: new changes come after the restored log's last one.
          const last = parseHlc((db.prepare('SELECT hlc FROM changes ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? '');
          if (last) hlc.observe(last);
        });
        w.commitNow();
      } finally {
        db.exec('DETACH DATABASE snap');
      }
    },
    close: () => {
      if (!db.open) return;
      w.commitNow();
      db.close();
      temp?.remove();
    },
  };
}
