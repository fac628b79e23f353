import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate, type MigrationContext } from './migrations.js';

export type Db = Database.Database;

let emptyImage: Buffer | undefined;

/**
 * A fresh in-memory replica starts as a copy of an empty, migrated one: running the schema's DDL
 * costs milliseconds, a copy of its image tens of microseconds, and tests and the simulation open
 * thousands of replicas. Its journal stays in memory and it never syncs, so of the pragmas only
 * foreign keys apply.
 */
function freshInMemory(): Db {
  if (!emptyImage) {
    const template = new Database(':memory:');
    migrate(template, { legacyTenant: '_mm' });
    emptyImage = template.serialize();
    template.close();
  }
  const db = new Database(emptyImage);
  db.pragma('foreign_keys = ON');
  return db;
}

/** Opens (or creates) one PoP's replica. `path` undefined means in-memory (ephemeral). */
export function openDatabase(path: string | undefined, ctx: MigrationContext, opts: { busyTimeoutMs?: number } = {}): Db {
  if (!path) return freshInMemory();
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, opts.busyTimeoutMs === undefined ? {} : { timeout: opts.busyTimeoutMs });
  // WAL lets readers proceed during a write. Without fsync (synchronous = OFF) a committed write
  // still survives the process being killed, since the OS holds it; only an OS crash or power loss
  // could lose it, which an emulator's users do not need to survive. fsync at every WAL checkpoint
  // stalled the event loop that all PoPs of a fabric share by 10-20 ms.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = ON');
  migrate(db, ctx);
  return db;
}
