import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SCHEMA_VERSION, type Collection, type JsonScanRequest } from '../../src/storage/index.js';
import { commit, openReplica, type Replica } from '../helpers/storage.js';

const names = new WeakMap<Replica, string>();

function open(region: string, ordinal: number, opts: { path?: string; clock: ManualClock }): Replica {
  const s = openReplica(region, ordinal, opts);
  names.set(s, region);
  return s;
}

/** Ships what `from` committed and `to` has not applied yet. */
function ship(from: Replica, to: Replica): void {
  const origin = names.get(from)!;
  const entries = from.changes.since(to.applier.appliedSeq(origin), 10_000);
  if (entries.length > 0) commit(to, () => to.applier.applyBatch(origin, entries));
}

const keys = (docs: Iterable<Record<string, unknown>>) => [...docs].map((d) => d['_key']);

/** Every way storage iterates a collection: the plain scan, the chunked scan and the push-down SQL forms. */
function orders(s: Replica, fabric = '_system'): Record<string, unknown[]> {
  const c = s.collections.require(fabric, 'c');
  const req = (r: Partial<JsonScanRequest>): JsonScanRequest => ({ conditions: [], order: [], offset: 0, limit: null, ...r });
  const scan = (r: Partial<JsonScanRequest>) => keys(s.scanner.scan(c, req(r))!.documents);
  return {
    scan: keys(s.documents.scan(c)),
    all: keys(s.scanner.all(c)),
    filtered: scan({ conditions: [{ path: ['n'], op: '>=', value: 0 }] }),
    limited: scan({ offset: 1, limit: 100 }),
    sortedWithTies: scan({ order: [{ path: ['tie'], ascending: true }], limit: 100 }),
  };
}

function pair(): [Replica, Replica] {
  const clock = new ManualClock();
  return [open('r-a', 0, { clock }), open('r-b', 1, { clock })];
}

describe('collection order', () => {
  it('is the same on every replica after concurrent inserts in two regions, and stays insertion order locally', () => {
    const [a, b] = pair();
    commit(a, () => a.collections.create('_system', { name: 'c' }));
    ship(a, b);
    const ca = a.collections.require('_system', 'c');
    const cb = b.collections.require('_system', 'c');
    // Interleaved and concurrent: each region inserts before it has seen the other's writes.
    for (let i = 0; i < 3; i++) {
      commit(a, () => a.documents.insert(ca, { _key: `a${i}`, n: i, tie: 0 }));
      commit(b, () => b.documents.insert(cb, { _key: `b${i}`, n: i, tie: 0 }));
    }
    expect(orders(a).scan).toEqual(['a0', 'a1', 'a2']);
    expect(orders(b).scan).toEqual(['b0', 'b1', 'b2']);
    ship(a, b);
    ship(b, a);
    const seen = orders(a);
    expect(orders(b)).toEqual(seen);
    expect(new Set(Object.values(seen).map((o) => JSON.stringify(o))).size).toBe(2);
    expect(seen.scan).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    expect(seen['limited']).toEqual(seen['scan']!.slice(1));
  });

  it('a PATCH keeps the position; a replace moves the document to the end, on every replica', () => {
    const [a, b] = pair();
    const c = commit(a, () => a.collections.create('_system', { name: 'c' }));
    for (const k of ['x', 'y', 'z']) commit(a, () => a.documents.insert(c, { _key: k, n: 1, tie: 0 }));
    ship(a, b);
    commit(a, () => a.documents.update(c, 'x', { patched: true }));
    expect(orders(a).scan).toEqual(['x', 'y', 'z']);
    const cb: Collection = b.collections.require('_system', 'c');
    commit(b, () => b.documents.replace(cb, 'y', { n: 2, tie: 0 }));
    commit(b, () => b.documents.insert(cb, { _key: 'x', n: 3, tie: 0 }, { overwriteMode: 'replace' }));
    ship(a, b);
    ship(b, a);
    expect(orders(a).scan).toEqual(['z', 'y', 'x']);
    expect(orders(b)).toEqual(orders(a));
  });

  it('an old data dir migrates: documents take their position from their clocks, not their arrival', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-order-'));
    try {
      const path = join(dir, 'r-b.sqlite');
      const clock = new ManualClock();
      const a = open('r-a', 0, { clock });
      let b = open('r-b', 1, { path, clock });
      commit(a, () => a.collections.create('_system', { name: 'c' }));
      ship(a, b);
      const cb = b.collections.require('_system', 'c');
      commit(a, () => a.documents.insert(a.collections.require('_system', 'c'), { _key: 'early', n: 0, tie: 0 }));
      clock.advance(5);
      commit(b, () => b.documents.insert(cb, { _key: 'late', n: 1, tie: 0 }));
      ship(a, b);
      // The documents table as schema version 1 wrote it: no ord column, rows in arrival order.
      b.db.exec(
        "DROP INDEX documents_order; ALTER TABLE documents DROP COLUMN ord; ALTER TABLE documents DROP COLUMN expire_at; CREATE INDEX documents_scan ON documents (cid, rid) WHERE deleted = 0; " +
          "DROP TABLE registry; DROP TABLE fabric_floors; ALTER TABLE applied DROP COLUMN epoch; ALTER TABLE applied DROP COLUMN lost; DELETE FROM meta WHERE key = 'epoch'; " +
          "DROP TABLE streams; DROP TABLE stream_messages; DROP TABLE stream_subscriptions; DROP TABLE stream_settings; PRAGMA user_version = 1",
      );
      expect(b.db.prepare("SELECT key FROM documents WHERE cid = ? AND deleted = 0 ORDER BY rid").pluck().all(cb.id)).toEqual(['late', 'early']);
      b.close();
      b = open('r-b', 1, { path, clock });
      expect(b.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      // The same migration moved the fabric into the default tenant's keyspace.
      expect(orders(b, '_mm/_system').scan).toEqual(['early', 'late']);
      const plan = b.db.prepare(`EXPLAIN QUERY PLAN SELECT body FROM documents WHERE cid = ${cb.id} AND deleted = 0 ORDER BY ord`).all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX documents_order/);
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
