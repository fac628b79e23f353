import { epochNow } from '../core/time.js';
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
  | 'restql.delete';

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
 * Appends to the PoP's change log. Callers run inside the transaction of the write they record, so
 * a write and its log entry commit or roll back together; local collections are never logged
 * because they never leave their region.
 */
export class ChangeLog {
  private readonly insertStmt;
  private readonly sinceStmt;
  private readonly lastStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO changes (origin, hlc, op, fabric, collection, key, payload, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.sinceStmt = db.prepare('SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?');
    this.lastStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM changes');
  }

  /**
   * Told of every append. It may run inside a transaction that later rolls back, so listeners only
   * schedule work that re-reads the log (replication's pump), never trust the entry itself.
   */
  onAppend: (() => void) | undefined;

  append(e: Omit<ChangeEntry, 'seq' | 'at'>): void {
    this.insertStmt.run(e.origin, e.hlc, e.op, e.fabric, e.collection, e.key, e.payload, epochNow());
    this.onAppend?.();
  }

  /**
   * True while a transaction is open on the database: entries read now might still roll back, so
   * replication waits rather than ship them.
   */
  uncommitted(): boolean {
    return this.db.inTransaction;
  }

  since(seq: number, limit: number): ChangeEntry[] {
    return this.sinceStmt.all(seq, limit) as ChangeEntry[];
  }

  lastSeq(): number {
    return (this.lastStmt.get() as { seq: number }).seq;
  }
}
