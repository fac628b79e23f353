import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GdnError } from '../../src/core/errors.js';
import { FabricClock } from '../../src/core/clock.js';
import { openStorage, SCHEMA_VERSION } from '../../src/storage/index.js';
import { commit, openReplica } from '../helpers/storage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-storage-'));
  dirs.push(dir);
  return join(dir, 'r1.sqlite');
}

describe('storage', () => {
  it('persists to a file with the schema version recorded, and reopens with the data', () => {
    const path = dbPath();
    const a = openReplica('r1', 0, { path });
    const c = commit(a, () => a.collections.create('_system', { name: 'c' }));
    commit(a, () => a.documents.insert(c, { _key: 'k', v: 1 }));
    expect(a.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    a.close();
    const b = openReplica('r1', 0, { path });
    expect(b.documents.get(b.collections.require('_system', 'c'), 'k')).toMatchObject({ v: 1 });
    b.close();
  });

  it('refuses a data dir written by a newer schema instead of corrupting it', () => {
    const path = dbPath();
    const a = openReplica('r1', 0, { path });
    a.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    a.close();
    expect(() => openReplica('r1', 0, { path })).toThrow(/newer than this fabric-emu supports/);
  });

  it('logs each write with its HLC revision; a failed write logs nothing', () => {
    const s = openReplica();
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    const before = s.changes.lastSeq();
    const r = commit(s, () => s.documents.insert(c, { _key: 'k' }));
    expect(() => commit(s, () => s.documents.insert(c, { _key: 'k' }))).toThrow(GdnError);
    commit(s, () => s.documents.update(c, 'k', { a: 1, gone: null }, { keepNull: false }));
    commit(s, () => s.documents.remove(c, 'k'));
    const log = s.changes.since(before, 100);
    expect(log.map((e) => e.op)).toEqual(['insert', 'update', 'remove']);
    expect(log[0]).toMatchObject({ origin: 'r1', hlc: r._rev, fabric: '_system', collection: 'c', key: 'k', at: s.clock.now() });
    expect(JSON.parse(log[1]!.payload!)).toEqual({ set: { a: 1 }, unset: ['gone'] });
  });

  it('takes its time from the clock it is given: HLC, change log and ttl expiry', () => {
    const s = openReplica();
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    commit(s, () => s.indexes.ensure(c, { type: 'ttl', fields: ['at'], expireAfter: 60 }));
    const r = commit(s, () => s.documents.insert(c, { _key: 'k', at: s.clock.now() / 1000 }));
    expect(s.hlc.peek().physical).toBe(Math.floor(s.clock.now()));
    expect(r._rev).toBe(s.changes.since(0, 100).at(-1)!.hlc);
    expect(s.sweepExpired()).toBe(0);
    s.clock.advance(61_000);
    expect(s.sweepExpired()).toBe(1);
    s.clock.runDue();
    expect(s.changes.since(0, 100).at(-1)).toMatchObject({ op: 'remove', key: 'k', at: s.clock.now() });
  });

  it('a write rolls back as a whole when it throws, caches included', () => {
    const s = openReplica();
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    expect(() =>
      commit(s, () => {
        s.documents.insert(c, { _key: 'a' });
        s.collections.create('_system', { name: 'made-in-a-failed-write' });
        s.indexes.ensure(c, { type: 'persistent', fields: ['x'] });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.documents.get(c, 'a')).toBeUndefined();
    expect(s.collections.count(c)).toBe(0);
    expect(s.collections.get('_system', 'made-in-a-failed-write')).toBeUndefined();
    expect(s.indexes.list(c)).toEqual([]);
    expect(s.changes.since(0, 100).map((e) => e.op)).toEqual(['collection.create']);
  });

  it('the stores refuse a change outside storage.write', () => {
    const s = openReplica();
    expect(() => s.collections.create('_system', { name: 'c' })).toThrow(/outside storage.write/);
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    expect(() => s.documents.insert(c, { _key: 'a' })).toThrow(/outside storage.write/);
    expect(() => s.indexes.ensure(c, { type: 'persistent', fields: ['x'] })).toThrow(/outside storage.write/);
    expect(() => s.restql.create('_system', 'q', { value: 'RETURN 1', parameter: {} })).toThrow(/outside storage.write/);
    expect(() => s.applier.applyBatch('r2', [])).toThrow(/outside storage.write/);
    expect(s.collections.count(c)).toBe(0);
  });

  it('never logs local collections', () => {
    const s = openReplica();
    const before = s.changes.lastSeq();
    const c = commit(s, () => s.collections.create('_system', { name: 'l', isLocal: true }));
    commit(s, () => s.documents.insert(c, { _key: 'k' }));
    commit(s, () => s.collections.drop('_system', 'l'));
    expect(s.changes.lastSeq()).toBe(before);
  });
});

describe('group commit', () => {
  it('writes of one turn commit together when the clock runs deferred work; a failed write rolls back alone', async () => {
    const s = openReplica();
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    const committedBefore = s.changes.lastSeq();
    s.write(() => s.documents.insert(c, { _key: 'a' }));
    expect(() => s.write(() => s.documents.insert(c, { _key: 'a' }))).toThrow(GdnError);
    s.write(() => s.documents.insert(c, { _key: 'b' }));
    let told = 0;
    const stop = s.onCommit(() => told++);
    let answered = false;
    const done = s.committed().then(() => (answered = true));
    // Nothing has committed: the log shows no entry of the open group, and nothing is answered.
    expect(s.db.inTransaction).toBe(true);
    expect(s.changes.lastSeq()).toBe(committedBefore);
    expect(s.changes.since(committedBefore, 100)).toEqual([]);
    await Promise.resolve();
    expect(answered).toBe(false);
    s.clock.runDue();
    await done;
    stop();
    expect(told).toBe(1);
    expect(s.db.inTransaction).toBe(false);
    expect(s.collections.count(c)).toBe(2);
    expect(s.changes.since(committedBefore, 100).map((e) => e.key)).toEqual(['a', 'b']);
    expect(s.changes.lastSeq()).toBe(committedBefore + 2);
  });

  it('commitSoon commits the open group once the task is done, before the turn that would have; later writes of the task share it', async () => {
    const s = openStorage({ path: undefined, region: 'r1', regionOrdinal: 0, clock: new FabricClock() });
    try {
      const c = s.write(() => s.collections.create('_system', { name: 'c' }));
      await s.committed();
      const before = s.changes.lastSeq();
      const commits: number[] = [];
      const stop = s.onCommit(() => commits.push(s.changes.lastSeq()));
      s.write(() => s.documents.insert(c, { _key: 'a' }));
      s.commitSoon();
      s.write(() => s.documents.insert(c, { _key: 'b' }));
      expect(commits).toEqual([]);
      await Promise.resolve();
      expect(commits).toEqual([before + 2]);
      // The turn's own commit, still scheduled, finds nothing left to commit.
      await new Promise((ok) => setImmediate(ok));
      stop();
      expect(commits).toEqual([before + 2]);
      // With nothing open it does nothing.
      s.commitSoon();
      await Promise.resolve();
      expect(s.db.inTransaction).toBe(false);
    } finally {
      s.close();
    }
  });

  it('whenCommitted answers at once when nothing is pending, after the commit otherwise', () => {
    const s = openReplica();
    const calls: string[] = [];
    s.whenCommitted(() => calls.push('idle'));
    commit(s, () => s.collections.create('_system', { name: 'c' }));
    s.write(() => s.collections.create('_system', { name: 'd' }));
    s.whenCommitted((err) => calls.push(err === undefined ? 'committed' : 'failed'));
    expect(calls).toEqual(['idle']);
    s.clock.runDue();
    expect(calls).toEqual(['idle', 'committed']);
  });

  it('a reset commits at once, so seqs that restart never look committed early', () => {
    const s = openReplica();
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    for (let i = 0; i < 3; i++) commit(s, () => s.documents.insert(c, { _key: `k${i}` }));
    s.reset();
    expect(s.changes.lastSeq()).toBe(0);
    s.write(() => s.collections.create('_system', { name: 'c' }));
    expect(s.changes.since(0, 100)).toEqual([]);
    s.clock.runDue();
    expect(s.changes.since(0, 100).map((e) => e.op)).toEqual(['collection.create']);
  });

  it('a crash rolls back the open group: its writes, log entries and cached collections are gone, its waiters told it failed', () => {
    const s = openReplica();
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    const committedBefore = s.changes.lastSeq();
    s.write(() => s.documents.insert(c, { _key: 'lost' }));
    s.write(() => s.collections.create('_system', { name: 'lost' }));
    const told: string[] = [];
    s.whenCommitted((err) => told.push(err === undefined ? 'committed' : (err as Error).message));
    s.crash();
    expect(told).toEqual(['storage: the PoP crashed before this write committed']);
    expect(s.db.inTransaction).toBe(false);
    expect(s.documents.get(c, 'lost')).toBeUndefined();
    expect(s.collections.get('_system', 'lost')).toBeUndefined();
    expect(s.changes.lastSeq()).toBe(committedBefore);
    // The commit that was scheduled finds nothing; later writes commit as usual.
    s.clock.runDue();
    commit(s, () => s.documents.insert(c, { _key: 'after' }));
    expect(s.changes.since(committedBefore, 100).map((e) => e.key)).toEqual(['after']);
    s.crash();
    expect(s.documents.get(c, 'after')).toBeDefined();
  });

  it('pages through the committed log in order, at most `limit` at a time, with seqs left dense by a crash', () => {
    const s = openReplica();
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    for (let i = 0; i < 5; i++) commit(s, () => s.documents.insert(c, { _key: `k${i}` }));
    s.write(() => s.documents.insert(c, { _key: 'lost' }));
    s.crash();
    commit(s, () => s.documents.insert(c, { _key: 'k5' }));
    s.write(() => s.documents.insert(c, { _key: 'open' }));
    const pages: (string | null)[][] = [];
    for (let seq = 0; ; ) {
      const page = s.changes.since(seq, 2);
      if (page.length === 0) break;
      pages.push(page.map((e) => e.key));
      seq = page.at(-1)!.seq;
    }
    expect(pages).toEqual([[null, 'k0'], ['k1', 'k2'], ['k3', 'k4'], ['k5']]);
    expect(s.changes.since(0, 100).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.changes.since(7, 100)).toEqual([]);
  });

  it('commits what is pending before the database closes', () => {
    const path = dbPath();
    const a = openReplica('r1', 0, { path });
    const c = commit(a, () => a.collections.create('_system', { name: 'c' }));
    a.write(() => a.documents.insert(c, { _key: 'pending' }));
    a.close();
    const b = openReplica('r1', 0, { path });
    expect(b.documents.get(b.collections.require('_system', 'c'), 'pending')).toBeDefined();
    b.close();
  });
});
