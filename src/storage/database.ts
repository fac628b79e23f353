import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/** Opens (or creates) one PoP's replica. `path` undefined means in-memory (ephemeral). */
export function openDatabase(path: string | undefined, opts: { busyTimeoutMs?: number } = {}): Db {
  if (path) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path ?? ':memory:', opts.busyTimeoutMs === undefined ? {} : { timeout: opts.busyTimeoutMs });
  // WAL lets readers proceed during a write. Without fsync (synchronous = OFF) a committed write
  // still survives the process being killed, since the OS holds it; only an OS crash or power loss
  // could lose it, which an emulator's users do not need to survive. fsync at every WAL checkpoint
  // stalled the event loop that all PoPs of a fabric share by 10-20 ms.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
