import Database from 'better-sqlite3';
import type { Db } from './database.js';
import { EXPIRY_INDEX_PREFIX } from './kv.js';
import { migrate, SCHEMA_VERSION, type MigrationContext } from './migrations.js';

/**
 * Every table of a replica's data: what a reset empties and a snapshot restore replaces. `meta`
 * (the change log's epoch) and `sqlite_sequence` go with them but are handled on their own.
 */
export const REPLICA_TABLES = [
  'documents',
  'collections',
  'indexes',
  'changes',
  'applied',
  'restql',
  'registry',
  'fabric_floors',
  'streams',
  'stream_messages',
  'stream_subscriptions',
  'stream_settings',
] as const;

/** The SQLite indexes a replica makes at run time (user indexes, KV expiry), beside the schema's own. */
export function dynamicIndexes(db: Db, schema = 'main'): { name: string; sql: string }[] {
  return db
    .prepare(`SELECT name, sql FROM ${schema}.sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND (name LIKE 'docidx_%' OR name LIKE ?)`)
    .all(`${EXPIRY_INDEX_PREFIX}%`) as { name: string; sql: string }[];
}

/** A replica image that cannot be restored: the message says why, for the user who gave it. */
export class ReplicaImageError extends Error {}

export interface ImageInfo {
  /** The schema version the image was written with; it has been migrated to SCHEMA_VERSION since. */
  schemaVersion: number;
  /** The committed high-water seq of its change log. */
  lastSeq: number;
}

/** What a replica image holds, read from the file. */
export function imageInfo(file: string): ImageInfo {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return { schemaVersion: db.pragma('user_version', { simple: true }) as number, lastSeq: lastSeqOf(db) };
  } finally {
    db.close();
  }
}

const lastSeqOf = (db: Db) => db.prepare('SELECT COALESCE(MAX(seq), 0) FROM changes').pluck().get() as number;

/**
 * Readies a replica image (a SQLite file from a snapshot) for restore, in place: refuses one that is
 * not a whole, healthy replica database or that is newer than this fabric-emu, and migrates an older
 * one forward, as opening an old data dir does. The image is a temporary copy: failing leaves
 * nothing changed anywhere else.
 */
export function prepareImage(file: string, ctx: MigrationContext): ImageInfo {
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    throw new ReplicaImageError(`cannot open it as SQLite: ${(e as Error).message}`);
  }
  try {
    let schemaVersion: number;
    try {
      schemaVersion = db.pragma('user_version', { simple: true }) as number;
      const problems = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
      const bad = problems.map((p) => p.quick_check).filter((p) => p !== 'ok');
      if (bad.length > 0) throw new ReplicaImageError(`the database is damaged: ${bad.slice(0, 3).join('; ')}`);
    } catch (e) {
      if (e instanceof ReplicaImageError) throw e;
      throw new ReplicaImageError(`not a healthy SQLite database: ${(e as Error).message}`);
    }
    if (schemaVersion > SCHEMA_VERSION) {
      throw new ReplicaImageError(`it was written with storage schema version ${schemaVersion}, newer than this fabric-emu reads (${SCHEMA_VERSION}); load it with a newer fabric-emu`);
    }
    if (schemaVersion < 1) throw new ReplicaImageError('it is not a fabric-emu replica (no storage schema version)');
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const missing = ['meta', 'collections', 'documents', 'changes', 'applied'].filter((t) => !tables.has(t));
    if (missing.length > 0) throw new ReplicaImageError(`it is not a fabric-emu replica (no ${missing.join(', ')} table)`);
    try {
      migrate(db, ctx);
    } catch (e) {
      throw new ReplicaImageError(`migrating it from schema version ${schemaVersion} to ${SCHEMA_VERSION} failed: ${(e as Error).message}`);
    }
    return { schemaVersion, lastSeq: lastSeqOf(db) };
  } finally {
    db.close();
  }
}

/**
 * Replaces every row of the replica with the image's, inside the caller's write: the tables of
 * REPLICA_TABLES, the sequences, the epoch and the dynamic indexes. The image must have been
 * through prepareImage (same schema version, so the same columns) and be attached as `snap`.
 */
export function copyImage(db: Db): void {
  for (const { name } of dynamicIndexes(db)) db.exec(`DROP INDEX main.${name}`);
  for (const t of REPLICA_TABLES) {
    const columns = (db.prepare(`SELECT name FROM pragma_table_info('${t}')`).pluck().all() as string[]).map((c) => `"${c}"`).join(', ');
    db.prepare(`DELETE FROM main.${t}`).run();
    db.prepare(`INSERT INTO main.${t} (${columns}) SELECT ${columns} FROM snap.${t}`).run();
  }
  db.prepare('DELETE FROM main.meta').run();
  db.prepare('INSERT INTO main.meta (key, value) SELECT key, value FROM snap.meta').run();
  db.prepare('DELETE FROM main.sqlite_sequence').run();
  const hasSequences = db.prepare("SELECT 1 FROM snap.sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
  if (hasSequences) db.prepare('INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM snap.sqlite_sequence').run();
  for (const { sql } of dynamicIndexes(db, 'snap')) db.exec(sql);
}
