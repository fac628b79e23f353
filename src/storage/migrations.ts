import type { Database } from 'better-sqlite3';

/**
 * The on-disk schema, versioned. Each entry upgrades from the version before it; a database is
 * migrated forward on open and the version is kept in `PRAGMA user_version`, so an old data dir
 * keeps working after an upgrade of fabric-emu.
 */
export interface MigrationContext {
  /** The tenant an old data dir's fabric data belongs to once storage keys name tenants. */
  legacyTenant: string;
}

type Migration = string | ((db: Database, ctx: MigrationContext) => void);

const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- A collection row is kept after a drop (live = 0) so the drop's clock can win over older writes.
  -- clock: the existence register; floor: the newest drop/truncate, below which changes are void;
  -- dropped: the newest drop alone, below which index definitions are void (a truncate keeps them).
  CREATE TABLE collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fabric TEXT NOT NULL,
    name TEXT NOT NULL,
    type INTEGER NOT NULL,
    is_local INTEGER NOT NULL,
    live INTEGER NOT NULL,
    clock TEXT NOT NULL,
    floor TEXT NOT NULL DEFAULT '',
    dropped TEXT NOT NULL DEFAULT '',
    props TEXT NOT NULL,
    props_clock TEXT NOT NULL,
    UNIQUE (fabric, name)
  );
  -- rid keeps insertion order (GDN iterates in insertion order) and a replace updates the row in
  -- place. Deleted documents stay as tombstones (deleted = 1) with their register clocks in meta.
  -- No AUTOINCREMENT: it costs a write to sqlite_sequence per insert, and reusing the rid of a
  -- purged last row still sorts after every remaining one.
  CREATE TABLE documents (
    rid INTEGER PRIMARY KEY,
    cid INTEGER NOT NULL,
    key TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    rev TEXT NOT NULL,
    body TEXT NOT NULL,
    meta TEXT NOT NULL,
    UNIQUE (cid, key)
  );
  CREATE INDEX documents_scan ON documents (cid, rid) WHERE deleted = 0;
  -- The change log: every local write appends here in the same transaction as the write itself.
  -- seq needs no AUTOINCREMENT: entries are only ever removed all at once, by a reset.
  CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    hlc TEXT NOT NULL,
    op TEXT NOT NULL,
    fabric TEXT NOT NULL,
    collection TEXT NOT NULL,
    key TEXT,
    payload TEXT,
    -- Wall-clock ms (sub-millisecond) of the write, for replication lag; the HLC keeps only whole ms.
    at REAL NOT NULL
  );
  -- User index definitions, one register per (collection, name): a dropped index stays (live = 0)
  -- so the drop's clock can win over an older create arriving later. def is the JSON definition;
  -- persistent/hash/skiplist/ttl ones also get a partial SQLite expression index on documents.
  CREATE TABLE indexes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    cid INTEGER NOT NULL,
    name TEXT NOT NULL,
    live INTEGER NOT NULL,
    clock TEXT NOT NULL,
    def TEXT NOT NULL,
    UNIQUE (cid, name)
  );
  -- RESTQL saved queries: one register per (fabric, name); a deleted one stays with live = 0.
  CREATE TABLE restql (
    fabric TEXT NOT NULL,
    name TEXT NOT NULL,
    live INTEGER NOT NULL,
    value TEXT NOT NULL,
    parameter TEXT NOT NULL,
    clock TEXT NOT NULL,
    PRIMARY KEY (fabric, name)
  );
  -- The version vector: the last change applied from each origin, updated with the apply itself.
  CREATE TABLE applied (origin TEXT PRIMARY KEY, seq INTEGER NOT NULL);
  `,
  `
  -- A collection iterates in the order of ord: the clock of each document's last insert or replace
  -- (meta's b register), which every replica agrees on once converged. rid is local arrival order,
  -- so replicas that received concurrent inserts in different orders iterated differently.
  ALTER TABLE documents ADD COLUMN ord TEXT NOT NULL DEFAULT '';
  UPDATE documents SET ord = json_extract(meta, '$.b');
  DROP INDEX documents_scan;
  CREATE INDEX documents_order ON documents (cid, ord) WHERE deleted = 0;
  `,
  `
  -- Every change log has an epoch, renewed when the log is wiped (a reset), and a version vector
  -- entry names the epoch it counts in: a peer whose log started over is recognised instead of its
  -- new changes being taken for ones applied long ago. lost: how many changes of an earlier epoch
  -- this replica holds, which the origin itself no longer has (the fabric cannot converge then).
  -- A data dir from before keeps the epoch '' it implicitly had.
  ALTER TABLE applied ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
  ALTER TABLE applied ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;
  INSERT INTO meta (key, value) SELECT 'epoch', '' WHERE EXISTS (SELECT 1 FROM changes) OR EXISTS (SELECT 1 FROM applied);
  `,
  `
  -- Streams (Pulsar topics): one row per topic of a fabric, kept after a delete (live = 0) so the
  -- delete's clock can win over an older create of a global stream arriving later. kind: 'stream'
  -- for user streams (topic c8globals.x / c8locals.x), 'collection' for a collection's change stream
  -- (topic = the collection name).
  CREATE TABLE streams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fabric TEXT NOT NULL,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    local INTEGER NOT NULL,
    live INTEGER NOT NULL,
    clock TEXT NOT NULL,
    UNIQUE (fabric, topic)
  );
  -- Messages in the order they committed here (seq, never reused: AUTOINCREMENT), which keeps each
  -- producer's order and, for a collection stream, commit order. id: the message id clients see,
  -- the same at every region (a replicated message keeps its origin's). at: publish time, epoch ms.
  CREATE TABLE stream_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid INTEGER NOT NULL,
    id TEXT NOT NULL,
    at REAL NOT NULL,
    payload TEXT NOT NULL,
    properties TEXT,
    key TEXT,
    event_time TEXT
  );
  CREATE INDEX stream_messages_topic ON stream_messages (sid);
  CREATE UNIQUE INDEX stream_messages_id ON stream_messages (sid, id);
  CREATE INDEX stream_messages_age ON stream_messages (sid, at);
  -- Subscriptions, per region (never replicated): every message of the topic with seq <= cursor is
  -- acknowledged, and so are the seqs in acked (a JSON array), acknowledged out of order above it.
  CREATE TABLE stream_subscriptions (
    sid INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    acked TEXT NOT NULL,
    PRIMARY KEY (sid, name)
  );
  -- The message ttl of a fabric's streams (GDN's /streams/ttl), a register replicated like the rest.
  CREATE TABLE stream_settings (fabric TEXT PRIMARY KEY, ttl INTEGER NOT NULL, clock TEXT NOT NULL);
  `,
  (db, ctx) => {
    db.exec(`
    -- Users, API keys, grants and geo-fabrics (registry.ts): one document of LWW registers per
    -- (kind, tenant, id), replicated to every PoP. A deleted record stays as a tombstone.
    CREATE TABLE registry (
      kind TEXT NOT NULL,
      tenant TEXT NOT NULL,
      id TEXT NOT NULL,
      deleted INTEGER NOT NULL,
      body TEXT NOT NULL,
      meta TEXT NOT NULL,
      PRIMARY KEY (kind, tenant, id)
    );
    -- The newest drop of each geo-fabric: any change of its data older than this is void.
    CREATE TABLE fabric_floors (fabric TEXT PRIMARY KEY, clock TEXT NOT NULL);
    `);
    // Fabric data is keyed by '<tenant>/<fabric>' now: what an old data dir holds is its default
    // tenant's. The change log is rewritten too, so entries not yet shipped carry the new form.
    for (const t of ['collections', 'changes', 'restql', 'streams', 'stream_settings']) {
      db.prepare(`UPDATE ${t} SET fabric = ? || '/' || fabric WHERE instr(fabric, '/') = 0`).run(ctx.legacyTenant);
    }
  },
  (db) => {
    db.exec(`
    -- A document's expireAt (a KV pair's expiry) as a column beside its body, NULL unless it is a
    -- number: a KV set, get and sweep read and index it without parsing the body's JSON.
    ALTER TABLE documents ADD COLUMN expire_at REAL;
    UPDATE documents SET expire_at = json_extract(body, '$.expireAt') WHERE json_type(body, '$.expireAt') IN ('integer', 'real');
    `);
    // The expiry indexes were over the JSON; kv.ts makes them again, over the column, on its next sweep.
    for (const name of db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'kvexp\\_%' ESCAPE '\\'").pluck().all() as string[]) {
      db.exec(`DROP INDEX "${name}"`);
    }
  },
  `
  -- A key-value collection iterates by key (documents.ts orderOf): its pairs' positions, until now
  -- the clock of their last set, become their keys, tombstones too, so that a revived pair has one.
  UPDATE documents SET ord = key WHERE cid IN (SELECT id FROM collections WHERE json_extract(props, '$.kv') IS NOT NULL);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Migrates forward to `target` (the current version unless a test builds an old image). */
export function migrate(db: Database, ctx: MigrationContext, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `data dir schema version ${current} is newer than this fabric-emu supports (${SCHEMA_VERSION}); upgrade fabric-emu or use another --data-dir`,
    );
  }
  for (let v = current; v < target; v++) {
    db.transaction(() => {
      const m = MIGRATIONS[v] as Migration;
      if (typeof m === 'string') db.exec(m);
      else m(db, ctx);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
