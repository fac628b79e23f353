import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fabricKey } from '../../src/core/scope.js';
import { migrate, SCHEMA_VERSION } from '../../src/storage/migrations.js';
import { ReplicaImageError } from '../../src/storage/index.js';
import { commit, openReplica, type Replica } from '../helpers/storage.js';
import { tempDir } from '../helpers/tmp.js';

const F = fabricKey('_mm', '_system');

/** A replica holding one of everything a snapshot must carry. */
function populated(): Replica {
  const a = openReplica('ra', 0);
  const c = commit(a, () => a.collections.create(F, { name: 'people' }));
  commit(a, () => a.indexes.ensure(c, { type: 'persistent', fields: ['email'], unique: true }));
  for (let i = 0; i < 20; i++) commit(a, () => a.documents.insert(c, { _key: `p${i}`, email: `p${i}@x` }));
  commit(a, () => a.documents.remove(c, 'p3'));
  const kv = commit(a, () => a.kv.create(F, 'cache', { expiration: true, group: false, stream: false, waitForSync: false, cacheEnabled: false }));
  commit(a, () => a.kv.upsert(kv, [{ _key: 'k', value: 42 }]));
  const s = commit(a, () => a.streams.create(F, 'c8globals.events'));
  for (let i = 0; i < 3; i++) commit(a, () => a.streams.publish(s, { payload: `m${i}` }));
  commit(a, () => a.streams.messages.saveSubscription({ sid: s.id, name: 'sub', type: 'Exclusive', cursor: 2, acked: [] }));
  commit(a, () => a.restql.create(F, 'showPeople', { value: 'FOR p IN people RETURN p', parameter: {} }));
  commit(a, () => a.registry.put('user', '_mm', 'alice', { email: 'alice@x' }));
  commit(a, () => a.applier.applyBatch('rb', [], 'epoch-b'));
  return a;
}

/** What a snapshot promises to keep, read through the stores (their caches included). */
function contents(s: Replica) {
  const c = s.collections.require(F, 'people');
  const kv = s.kv.require(F, 'cache');
  const stream = s.streams.require(F, 'c8globals.events');
  return {
    docs: s.collections.count(c),
    p5: s.documents.get(c, 'p5'),
    p3: s.documents.get(c, 'p3'),
    indexes: s.indexes.list(c).map((i) => ({ name: i.name, fields: i.fields, unique: i.unique })),
    kv: s.kv.values(kv, ['k'], { offset: 0, limit: 10, order: 'asc' }),
    messages: s.streams.messages.range(stream.id, 0, 10).map((m) => m.payload),
    subscriptions: s.streams.messages.subscriptions(stream.id),
    restql: s.restql.get(F, 'showPeople')?.value,
    user: s.registry.get('user', '_mm', 'alice'),
    lastSeq: s.changes.lastSeq(),
    changes: s.changes.since(0, 1000).map((e) => [e.seq, e.op, e.key]),
    vector: s.applier.entry('rb'),
    epoch: s.epoch(),
    sqlIndexes: s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'docidx_%' ORDER BY name").pluck().all(),
  };
}

describe('replica snapshots', () => {
  it('a backup restored into another replica replaces everything in it, caches and epoch included', async () => {
    const dir = tempDir('snap');
    const a = populated();
    const file = join(dir, 'ra.sqlite');
    const b = openReplica('ra', 0);
    const other = commit(b, () => b.collections.create(F, { name: 'leftover' }));
    commit(b, () => b.documents.insert(other, { _key: 'x' }));
    expect(await a.backup(file)).toEqual({ schemaVersion: SCHEMA_VERSION, lastSeq: a.changes.lastSeq() });
    expect(b.prepareImage(file)).toEqual({ schemaVersion: SCHEMA_VERSION, lastSeq: a.changes.lastSeq() });
    await b.restore(file);
    expect(contents(b)).toEqual(contents(a));
    expect(b.collections.get(F, 'leftover')).toBeUndefined();
    // The restored replica keeps working: its unique index holds, and its next change follows the log.
    const c = b.collections.require(F, 'people');
    expect(() => commit(b, () => b.documents.insert(c, { _key: 'dup', email: 'p1@x' }))).toThrow(/unique/i);
    commit(b, () => b.documents.insert(c, { _key: 'new', email: 'new@x' }));
    expect(b.changes.lastSeq()).toBe(a.changes.lastSeq() + 1);
    a.close();
    b.close();
  });

  it('a backup taken while writes keep arriving holds them, and writes group again once it is done', async () => {
    const dir = tempDir('snap-writes');
    const a = populated();
    const c = a.collections.require(F, 'people');
    const file = join(dir, 'ra.sqlite');
    const taken = a.backup(file);
    // On the manual clock this write's group would stay open until runDue: the backup's steps must not meet it.
    a.write(() => a.documents.insert(c, { _key: 'during', email: 'during@x' }));
    expect(await taken).toEqual({ schemaVersion: SCHEMA_VERSION, lastSeq: a.changes.lastSeq() });
    const image = new Database(file, { readonly: true });
    expect(image.prepare("SELECT count(*) FROM documents WHERE key = 'during'").pluck().get()).toBe(1);
    image.close();
    a.write(() => a.documents.insert(c, { _key: 'after', email: 'after@x' }));
    let committed = false;
    a.whenCommitted(() => (committed = true));
    expect(committed).toBe(false);
    a.clock.runDue();
    expect(committed).toBe(true);
    a.close();
  });

  it('an image of an older schema version is migrated on load', async () => {
    const dir = tempDir('snap');
    const file = join(dir, 'old.sqlite');
    // Schema version 4: fabric data keyed by the plain fabric name, before tenants.
    const old = new Database(file);
    migrate(old, { legacyTenant: '_mm' }, 4);
    old.exec(`INSERT INTO meta (key, value) VALUES ('epoch', 'e1');
      INSERT INTO collections (id, fabric, name, type, is_local, live, clock, props, props_clock) VALUES (1, '_system', 'legacy', 2, 0, 1, '_0000000001000', '{}', '_0000000001000');
      INSERT INTO documents (cid, key, deleted, rev, body, meta, ord) VALUES (1, 'k', 0, '_0000000001000', '{"v":1}', '{"a":"_0000000001000","b":"_0000000001000","v":"_0000000001000"}', '_0000000001000');`);
    old.close();
    const b = openReplica('ra', 0, {});
    expect(b.prepareImage(file)).toMatchObject({ schemaVersion: 4 });
    await b.restore(file);
    const legacy = b.collections.require(fabricKey('_mm', '_system'), 'legacy');
    expect(b.documents.get(legacy, 'k')).toMatchObject({ v: 1 });
    expect(b.epoch()).toBe('e1');
    b.close();
  });

  it('refuses what is not a healthy replica image of this version or older, and changes nothing', async () => {
    const dir = tempDir('snap');
    const a = populated();
    const good = join(dir, 'good.sqlite');
    await a.backup(good);
    const b = openReplica('ra', 0);
    const keep = commit(b, () => b.collections.create(F, { name: 'kept' }));
    const refusal = (file: string) => {
      try {
        b.prepareImage(file);
      } catch (e) {
        expect(e).toBeInstanceOf(ReplicaImageError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const at = (name: string, bytes: Buffer) => {
      const f = join(dir, name);
      writeFileSync(f, bytes);
      return f;
    };
    expect(refusal(at('text', Buffer.from('hello, not a database')))).toMatch(/SQLite/);
    const image = readFileSync(good);
    expect(refusal(at('truncated', image.subarray(0, Math.floor(image.length / 2))))).toMatch(/damaged|healthy/);
    const foreign = new Database(join(dir, 'foreign'));
    foreign.exec('CREATE TABLE t (x); PRAGMA user_version = 1');
    foreign.close();
    expect(refusal(join(dir, 'foreign'))).toMatch(/not a fabric-emu replica/);
    const newer = join(dir, 'newer');
    copyFileSync(good, newer);
    const n = new Database(newer);
    n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    n.close();
    expect(refusal(newer)).toMatch(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this fabric-emu reads`));
    expect(b.collections.get(F, 'kept')).toEqual(keep);
    a.close();
    b.close();
  });
});
