import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GdnError } from '../../src/core/errors.js';
import { openStorage, SCHEMA_VERSION } from '../../src/storage/index.js';
import { tempDir } from '../helpers/tmp.js';

const open = (path?: string) => openStorage({ path, region: 'r1', regionOrdinal: 0 });

describe('storage', () => {
  it('persists to a file with the schema version recorded, and reopens with the data', () => {
    const path = join(tempDir('storage'), 'r1.sqlite');
    const a = open(path);
    const c = a.collections.create('_system', { name: 'c' });
    a.documents.insert(c, { _key: 'k', v: 1 });
    expect(a.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    a.close();
    const b = open(path);
    expect(b.documents.get(b.collections.require('_system', 'c'), 'k')).toMatchObject({ v: 1 });
    b.close();
  });

  it('refuses a data dir written by a newer schema instead of corrupting it', () => {
    const path = join(tempDir('storage'), 'r1.sqlite');
    const a = open(path);
    a.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    a.close();
    expect(() => open(path)).toThrow(/newer than this fabric-emu supports/);
  });

  it('logs each write with its HLC revision in the same transaction; a failed write logs nothing', () => {
    const s = open();
    const c = s.collections.create('_system', { name: 'c' });
    const before = s.changes.lastSeq();
    const r = s.documents.insert(c, { _key: 'k' });
    expect(() => s.documents.insert(c, { _key: 'k' })).toThrow(GdnError);
    s.documents.update(c, 'k', { a: 1, gone: null }, { keepNull: false });
    s.documents.remove(c, 'k');
    const log = s.changes.since(before, 100);
    expect(log.map((e) => e.op)).toEqual(['insert', 'update', 'remove']);
    expect(log[0]).toMatchObject({ origin: 'r1', hlc: r._rev, fabric: '_system', collection: 'c', key: 'k' });
    expect(JSON.parse(log[1]!.payload!)).toEqual({ set: { a: 1 }, unset: ['gone'] });
  });

  it('a batch rolls back as a whole when the transaction throws', () => {
    const s = open();
    const c = s.collections.create('_system', { name: 'c' });
    expect(() =>
      s.documents.transaction(() => {
        s.documents.insert(c, { _key: 'a' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.documents.get(c, 'a')).toBeUndefined();
    expect(s.collections.count(c)).toBe(0);
  });

  it('never logs local collections', () => {
    const s = open();
    const before = s.changes.lastSeq();
    const c = s.collections.create('_system', { name: 'l', isLocal: true });
    s.documents.insert(c, { _key: 'k' });
    s.collections.drop('_system', 'l');
    expect(s.changes.lastSeq()).toBe(before);
  });
});

describe('group commit', () => {
  it('writes of one event-loop turn commit together; a failed write rolls back alone; flush waits for the commit', async () => {
    const s = open();
    const c = s.collections.create('_system', { name: 'c' });
    s.group.run(() => s.documents.insert(c, { _key: 'a' }));
    expect(() => s.group.run(() => s.documents.insert(c, { _key: 'a' }))).toThrow(GdnError);
    s.group.run(() => s.documents.insert(c, { _key: 'b' }));
    expect(s.group.open()).toBe(true);
    expect(s.changes.uncommitted()).toBe(true);
    await s.group.flush();
    expect(s.group.open()).toBe(false);
    expect(s.db.inTransaction).toBe(false);
    expect(s.collections.count(c)).toBe(2);
    expect(s.changes.since(0, 100).filter((e) => e.op === 'insert').map((e) => e.key)).toEqual(['a', 'b']);
  });

  it('commits what is pending before the database closes', () => {
    const path = join(tempDir('storage'), 'r1.sqlite');
    const a = open(path);
    const c = a.collections.create('_system', { name: 'c' });
    a.group.run(() => a.documents.insert(c, { _key: 'pending' }));
    a.close();
    const b = open(path);
    expect(b.documents.get(b.collections.require('_system', 'c'), 'pending')).toBeDefined();
    b.close();
  });
});
