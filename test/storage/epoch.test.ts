import { describe, expect, it } from 'vitest';
import { commit, openReplica } from '../helpers/storage.js';
import { tempDir } from '../helpers/tmp.js';

describe('the epoch of a change log', () => {
  it('is set when a replica is made, kept across a reopen, and renewed by a reset', () => {
    const dir = tempDir('fabric-emu-epoch-');
    const path = `${dir}/r.sqlite`;
    let s = openReplica('r1', 0, { path });
    const first = s.epoch();
    expect(first).toMatch(/^_[0-9a-z]{13}$/);
    commit(s, () => s.collections.create('_system', { name: 'c' }));
    s.close();
    s = openReplica('r1', 0, { path });
    expect(s.epoch()).toBe(first);
    s.reset();
    expect(s.epoch()).not.toBe(first);
    s.close();
  });

  it('a data dir from before epochs keeps the empty epoch its peers counted in', () => {
    const dir = tempDir('fabric-emu-epoch-');
    const path = `${dir}/r.sqlite`;
    const s = openReplica('r1', 0, { path });
    commit(s, () => s.collections.create('_system', { name: 'c' }));
    // Schema version 2 had neither the epoch nor the applied columns of version 3.
    s.db.exec("ALTER TABLE documents DROP COLUMN expire_at; DROP TABLE registry; DROP TABLE fabric_floors; ALTER TABLE applied DROP COLUMN epoch; ALTER TABLE applied DROP COLUMN lost; DELETE FROM meta WHERE key = 'epoch'; " +
          "DROP TABLE streams; DROP TABLE stream_messages; DROP TABLE stream_subscriptions; DROP TABLE stream_settings; PRAGMA user_version = 2");
    s.close();
    const again = openReplica('r1', 0, { path });
    expect(again.epoch()).toBe('');
    again.close();
  });

  it('a batch of a new epoch starts the count over and counts the old changes as lost', () => {
    const a = openReplica('ra', 0);
    const b = openReplica('rb', 1, { clock: a.clock });
    commit(a, () => a.collections.create('_system', { name: 'c' }));
    commit(a, () => a.documents.insert(a.collections.require('_system', 'c'), { _key: 'k' }));
    const first = a.changes.since(0, 100);
    commit(b, () => b.applier.applyBatch('ra', first, a.epoch()));
    expect(b.applier.entry('ra')).toEqual({ seq: 2, epoch: a.epoch(), lost: 0 });
    a.reset();
    commit(a, () => a.collections.create('_system', { name: 'd' }));
    expect(b.applier.appliedSeq('ra', a.epoch())).toBe(0);
    commit(b, () => b.applier.applyBatch('ra', a.changes.since(0, 100), a.epoch()));
    expect(b.applier.entry('ra')).toEqual({ seq: 1, epoch: a.epoch(), lost: 2 });
    expect(b.collections.list('_system', false).map((c) => c.name).sort()).toEqual(['c', 'd']);
    a.close();
    b.close();
  });
});

describe('the HLC across a restart', () => {
  it('resumes after the last own change even if the clock stands behind it', () => {
    const dir = tempDir('fabric-emu-epoch-');
    const path = `${dir}/r.sqlite`;
    const s = openReplica('r1', 0, { path });
    const c = commit(s, () => s.collections.create('_system', { name: 'c' }));
    const before = commit(s, () => s.documents.insert(c, { _key: 'k' }))._rev;
    s.close();
    // The same manual clock time again: a fresh HLC would hand out the very same revision.
    const again = openReplica('r1', 0, { path });
    const after = commit(again, () => again.documents.replace(again.collections.require('_system', 'c'), 'k', { v: 2 }))._rev;
    expect(after > before).toBe(true);
    again.close();
  });
});
