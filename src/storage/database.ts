import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/** Opens (or creates) one PoP's replica. `path` undefined means in-memory (ephemeral). */
export function openDatabase(path: string | undefined): Db {
  if (path) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path ?? ':memory:');
  // WAL lets readers proceed during a write; NORMAL sync is durable across process crashes,
  // which is what an emulator's users need (power loss is out of scope).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

const runners = new WeakMap<Db, (fn: () => unknown) => unknown>();

/**
 * Runs `fn` in a transaction (a savepoint when one is already open). better-sqlite3 builds a new
 * wrapper on every db.transaction() call, which costs more than a small write itself, so one
 * wrapper per database is built once and reused.
 */
export function atomic<T>(db: Db, fn: () => T): T {
  let run = runners.get(db);
  if (!run) {
    run = db.transaction((f: () => unknown) => f());
    runners.set(db, run);
  }
  return run(fn) as T;
}
