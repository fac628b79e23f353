import { describe, expect, it } from 'vitest';
import { commit, openReplica, type Replica } from '../helpers/storage.js';

const open = (region: string, ordinal: number): Replica => openReplica(region, ordinal);

/** Ships every change of `from` not yet applied at `to`. */
function ship(from: Replica, to: Replica, origin: string): void {
  const entries = from.changes.since(to.applier.appliedSeq(origin), 10_000).filter((e) => e.origin === origin);
  if (entries.length > 0) commit(to, () => to.applier.applyBatch(origin, entries));
}

describe('index store', () => {
  it('a replicated write that violates a unique index is kept, visible, and counted as a conflict', () => {
    const a = open('a', 0);
    const b = open('b', 1);
    const ca = commit(a, () => a.collections.create('_system', { name: 'c' }));
    commit(a, () => a.indexes.ensure(ca, { type: 'persistent', fields: ['u'], unique: true }));
    ship(a, b, 'a');
    const cb = b.collections.require('_system', 'c');
    commit(a, () => a.documents.insert(ca, { _key: 'x', u: 1 }));
    commit(b, () => b.documents.insert(cb, { _key: 'y', u: 1 }));
    const stats = commit(b, () => b.applier.applyBatch('a', a.changes.since(b.applier.appliedSeq('a'), 100)));
    expect(stats.superseded).toBe(1);
    expect(b.collections.count(cb)).toBe(2);
    expect(b.documents.get(cb, 'x')).toMatchObject({ u: 1 });
    expect(() => commit(b, () => b.documents.insert(cb, { _key: 'z', u: 1 }))).toThrow(/unique constraint violated/);
  });

  it('index create/drop is last-writer-wins by clock, whatever the delivery order', () => {
    const a = open('a', 0);
    const b = open('b', 1);
    const c = open('c', 2);
    const ca = commit(a, () => a.collections.create('_system', { name: 'k' }));
    ship(a, b, 'a');
    ship(a, c, 'a');
    commit(a, () => a.indexes.ensure(ca, { type: 'persistent', fields: ['f'], name: 'ix' }));
    const cb = b.collections.require('_system', 'k');
    b.hlc.observe(a.hlc.peek());
    ship(a, b, 'a');
    commit(b, () => b.indexes.drop(cb, 'ix'));
    // c gets b's newer drop before a's older create: the create must lose.
    ship(b, c, 'b');
    ship(a, c, 'a');
    const cc = c.collections.require('_system', 'k');
    expect(c.indexes.list(cc)).toEqual([]);
    ship(b, a, 'b');
    expect(a.indexes.list(ca)).toEqual([]);
  });

  it('a collection drop voids the indexes created before it, also when the create arrives late', () => {
    const a = open('a', 0);
    const b = open('b', 1);
    const ca = commit(a, () => a.collections.create('_system', { name: 'k' }));
    ship(a, b, 'a');
    commit(a, () => a.indexes.ensure(ca, { type: 'persistent', fields: ['f'] }));
    b.hlc.observe(a.hlc.peek());
    commit(b, () => b.collections.drop('_system', 'k'));
    ship(a, b, 'a');
    commit(b, () => b.collections.create('_system', { name: 'k' }));
    expect(b.indexes.list(b.collections.require('_system', 'k'))).toEqual([]);
  });

  it('reset forgets every index, including the SQLite ones', () => {
    const a = open('a', 0);
    const c = commit(a, () => a.collections.create('_system', { name: 'k' }));
    commit(a, () => a.indexes.ensure(c, { type: 'persistent', fields: ['f'] }));
    a.reset();
    const count = a.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'docidx_%'").pluck().get();
    expect(count).toBe(0);
    expect(a.indexes.list(commit(a, () => a.collections.create('_system', { name: 'k' })))).toEqual([]);
  });
});
