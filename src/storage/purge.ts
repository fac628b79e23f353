import type { Db } from './database.js';
import { newer } from './clocks.js';
import { expiryColumn } from './expiry-column.js';
import { applyWrite, newestClock, revisionOf, type Meta } from './registers.js';

interface Row {
  key: string;
  deleted: number;
  body: string;
  meta: string;
}

/**
 * A drop or truncate at `clock` sets every register of every document of the collection to
 * "absent @clock". Rows with nothing newer left are removed outright (the collection's floor makes
 * any older change arriving later void); rows a concurrent PATCH made newer keep those registers.
 */
export function purgeBelow(db: Db, cid: number, clock: string): void {
  // Fast path: rows whose only clock is the base clock and older than the purge (SQL orders clocks as clocks.ts does).
  db.prepare("DELETE FROM documents WHERE cid = ? AND json_extract(meta, '$.a') IS NULL AND json_extract(meta, '$.b') < ?").run(cid, clock);
  const rows = db.prepare('SELECT key, deleted, body, meta FROM documents WHERE cid = ?').all(cid) as Row[];
  const del = db.prepare('DELETE FROM documents WHERE cid = ? AND key = ?');
  const upd = db.prepare('UPDATE documents SET deleted = ?, rev = ?, body = ?, meta = ?, ord = ?, expire_at = ? WHERE cid = ? AND key = ?');
  for (const row of rows) {
    const meta = JSON.parse(row.meta) as Meta;
    if (newer(clock, newestClock(meta))) {
      del.run(cid, row.key);
      continue;
    }
    const { _key, _id, _rev: _ignored, ...body } = JSON.parse(row.body) as Record<string, unknown>;
    const next = applyWrite({ deleted: row.deleted === 1, meta, body }, clock, { kind: 'delete' });
    if (!next) continue;
    const rev = revisionOf(next.meta);
    upd.run(1, rev, JSON.stringify({ _key, _id, _rev: rev, ...next.body }), JSON.stringify(next.meta), next.meta.b, expiryColumn(next.body), cid, row.key);
  }
}
