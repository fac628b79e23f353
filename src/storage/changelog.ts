import type { Clock } from '../core/clock.js';
import type { Db } from './database.js';

export type ChangeOp =
  | 'insert'
  | 'replace'
  | 'update'
  | 'remove'
  | 'collection.create'
  | 'collection.drop'
  | 'collection.truncate'
  | 'collection.properties'
  | 'index.create'
  | 'index.drop'
  | 'restql.save'
  | 'restql.delete'
  | 'stream.create'
  | 'stream.drop'
  | 'stream.message'
  | 'stream.ttl'
  | RegistryOp;

/** Changes of the registry (registry.ts): `fabric` holds the tenant, `key` the record's id. */
export type RegistryOp =
  | 'user.put'
  | 'user.patch'
  | 'user.delete'
  | 'apikey.put'
  | 'apikey.patch'
  | 'apikey.delete'
  | 'grant.put'
  | 'grant.patch'
  | 'grant.delete'
  | 'fabric.put'
  | 'fabric.patch'
  | 'fabric.delete';

export interface ChangeEntry {
  seq: number;
  origin: string;
  hlc: string;
  op: ChangeOp;
  fabric: string;
  collection: string;
  key: string | null;
  payload: string | null;
  /** When the write happened, in epoch milliseconds with a fraction. */
  at: number;
}

/**
 * The PoP's change log. Entries are appended inside the write they record (storage.write), so a
 * write and its entry commit or roll back together; local collections are never logged because
 * they never leave their region.
 *
 * Readers see committed entries only: the write path tells the log after each commit, and
 * everything up to the newest entry then on disk is the committed high-water mark. Entries above
 * it may still roll back (and their seq be reused), so replication never ships them.
 */
export class ChangeLog {
  private readonly insertStmt;
  private readonly sinceStmt;
  private readonly lastStmt;
  private committed: number;
  /** The last range read: every link of a PoP asks for the same one after a commit. */
  private lastRead: { seq: number; upto: number; entries: readonly ChangeEntry[] } | undefined;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare(
      'INSERT INTO changes (origin, hlc, op, fabric, collection, key, payload, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // A range, not a LIMIT: SQLite's LIMIT costs more than reading the few rows a pump ships.
    this.sinceStmt = db.prepare('SELECT * FROM changes WHERE seq > ? AND seq <= ? ORDER BY seq');
    this.lastStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM changes').pluck();
    this.committed = this.lastStmt.get() as number;
  }

  /** Called by the write path after each commit (and after a reset emptied the log). */
  markCommitted(): void {
    this.committed = this.lastStmt.get() as number;
    this.lastRead = undefined;
  }

  append(e: Omit<ChangeEntry, 'seq' | 'at'>): void {
    this.insertStmt.run(e.origin, e.hlc, e.op, e.fabric, e.collection, e.key, e.payload, this.clock.now());
  }

  /**
   * Committed entries after `seq`, in order, at most `limit`. Seqs are dense (rows go only all at
   * once, by a reset, and a rollback frees the seqs it took), so the next `limit` of them are a range.
   * Until the next commit the same range is read once, however many links ship it; the entries are
   * shared between them, hence read-only.
   */
  since(seq: number, limit: number): readonly ChangeEntry[] {
    if (seq >= this.committed) return [];
    const upto = Math.min(this.committed, seq + limit);
    const last = this.lastRead;
    if (last && last.seq === seq && last.upto === upto) return last.entries;
    const entries = this.sinceStmt.all(seq, upto) as ChangeEntry[];
    this.lastRead = { seq, upto, entries };
    return entries;
  }

  /** The committed high-water seq. */
  lastSeq(): number {
    return this.committed;
  }
}
