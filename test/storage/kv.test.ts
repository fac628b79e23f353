import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { GdnError } from '../../src/core/errors.js';
import { entryProblem } from '../../src/replication/entry-check.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPIRY_INDEX_PREFIX, SCHEMA_VERSION, type Collection, type KvCreateOptions, type Storage } from '../../src/storage/index.js';
import { commit, openReplica, type Replica } from '../helpers/storage.js';
import { fabricKey } from '../../src/core/scope.js';

/** The default tenant's `_system`, as storage keys it. */
const FABRIC = fabricKey('_mm', '_system');

const KV: KvCreateOptions = { expiration: true, group: false, stream: false, waitForSync: false, cacheEnabled: false };
const page = { offset: 0, limit: 100, order: 'asc' as const };

function kvCollection(s: Replica, name = 'kv', o: Partial<KvCreateOptions> = {}): Collection {
  return commit(s, () => s.kv.create(FABRIC, name, { ...KV, ...o }));
}

const nowSeconds = (s: Storage) => Math.floor(s.clock.now() / 1000);

function error(fn: () => unknown): GdnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GdnError) return e;
    throw e;
  }
  throw new Error('expected a GdnError');
}

/** Two replicas on one clock, shipping each other's change log through the applier. */
function pair() {
  const clock = new ManualClock();
  const a = openReplica('r-a', 0, { clock });
  const b = openReplica('r-b', 1, { clock });
  const shipped = { a: 0, b: 0 };
  const ship = (from: Replica, to: Replica, name: 'a' | 'b') => {
    clock.runDue();
    const entries = from.changes.since(shipped[name], 1_000_000);
    if (entries.length === 0) return;
    for (const e of entries) expect(entryProblem(e)).toBeUndefined();
    commit(to, () => to.applier.applyBatch(name === 'a' ? 'r-a' : 'r-b', entries));
    shipped[name] = entries.at(-1)!.seq;
  };
  return { clock, a, b, toB: () => ship(a, b, 'a'), toA: () => ship(b, a, 'b') };
}

const stored = (s: Storage) => {
  const c = s.collections.require(FABRIC, 'kv');
  return [...s.documents.scan(c)];
};

describe('key-value collections in storage', () => {
  it('is a collection with kv props, always global; a document collection of the name is a duplicate', () => {
    const s = openReplica();
    const c = kvCollection(s, 'kv', { group: true });
    expect(c.props.kv).toEqual({ expiration: true, group: true });
    expect(c.isLocal).toBe(false);
    expect(s.kv.list(FABRIC).map((x) => x.name)).toEqual(['kv']);
    commit(s, () => s.collections.create(FABRIC, { name: 'docs' }));
    expect(s.kv.list(FABRIC).map((x) => x.name)).toEqual(['kv']);
    expect(error(() => s.kv.require(FABRIC, 'docs'))).toMatchObject({ errorNum: 1218, status: 400 });
    expect(error(() => s.kv.require(FABRIC, 'none'))).toMatchObject({ errorNum: 1203 });
    expect(error(() => commit(s, () => s.kv.create(FABRIC, 'docs', KV)))).toMatchObject({ errorNum: 1207 });
    expect(error(() => commit(s, () => s.kv.create(FABRIC, 'bad name', KV)))).toMatchObject({ errorNum: 1208 });
  });

  it('upserts pairs as documents {_key, value, expireAt[, groupID]}, keeping values exactly', () => {
    const s = openReplica();
    const c = kvCollection(s, 'kv', { group: true });
    const value = { n: 1.5, big: 2 ** 53 - 1, neg: -0.25, s: 'naïve ☃ 𝄞', nested: { a: [1, { b: null }], t: true }, empty: {} };
    const [first] = commit(s, () => s.kv.upsert(c, [{ _key: 'a', value }, { _key: 'b', value: 'text', expireAt: 0, groupID: 'g1' }]));
    expect(first!._oldRev).toBeUndefined();
    expect(JSON.parse(s.kv.getRaw(c, 'a')!.body)).toEqual({ _key: 'a', _id: 'kv/a', _rev: first!._rev, value, expireAt: -1 });
    const [again] = commit(s, () => s.kv.upsert(c, [{ _key: 'a', value: null }]));
    expect(again!._oldRev).toBe(first!._rev);
    expect(JSON.parse(s.kv.getRaw(c, 'a')!.body).value).toBeNull();
    expect(s.changes.since(0, 100).map((e) => e.op)).toEqual(['collection.create', 'insert', 'insert', 'replace']);
    expect(s.kv.values(c, ['b', 'none', 'a'], page)).toEqual([{ _key: 'b', value: 'text', expireAt: 0, groupID: 'g1' }, { _key: 'a', value: null, expireAt: -1 }]);
  });

  it('refuses a malformed pair and then writes none of the batch', () => {
    const s = openReplica();
    const c = kvCollection(s);
    const bad = (pair: Record<string, unknown>) => error(() => commit(s, () => s.kv.upsert(c, [{ _key: 'ok', value: 1 }, pair as never])));
    expect(bad({ _key: 'sp ace', value: 1 })).toMatchObject({ errorNum: 1221 });
    expect(bad({ _key: 'x' })).toMatchObject({ errorNum: 10, message: expect.stringContaining('needs a value') });
    expect(bad({ _key: 'x', value: 1, expireAt: 1.5 })).toMatchObject({ errorNum: 10, message: expect.stringContaining('expireAt') });
    expect(bad({ _key: 'x', value: 1, groupID: 'g' })).toMatchObject({ errorNum: 10, message: expect.stringContaining('group=true') });
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(bad({ _key: 'x', value: deep })).toMatchObject({ errorNum: 1227, message: expect.stringContaining("pair 1 ('x')") });
    expect(bad({ _key: 'x', value: JSON.parse('{"a":{"__proto__":1}}') })).toMatchObject({ errorNum: 1227 });
    expect(s.kv.count(c)).toBe(0);
    // One level less is what a document may hold: stored, and read back whole.
    commit(s, () => s.kv.upsert(c, [{ _key: 'deep', value: (deep as unknown[])[0] }]));
    expect(JSON.parse(s.kv.getRaw(c, 'deep')!.body).value).toEqual((deep as unknown[])[0]);
  });

  it('counts, lists keys and pages values by key, in a group or all', () => {
    const s = openReplica();
    const c = kvCollection(s, 'kv', { group: true });
    commit(s, () => s.kv.upsert(c, ['d', 'a', 'c', 'b', 'e'].map((k, i) => ({ _key: k, value: i, groupID: i % 2 === 0 ? 'even' : 'odd' }))));
    expect(s.kv.count(c)).toBe(5);
    expect(s.kv.count(c, 'odd')).toBe(2);
    expect(s.kv.keys(c, page)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(s.kv.keys(c, { offset: 1, limit: 2, order: 'desc' })).toEqual(['d', 'c']);
    expect(s.kv.keys(c, { ...page, groupID: 'even' })).toEqual(['c', 'd', 'e']);
    expect(s.kv.values(c, undefined, { offset: 3, limit: 10, order: 'asc' }).map((p) => p._key)).toEqual(['d', 'e']);
    commit(s, () => s.kv.truncate(c, 'even'));
    expect(s.kv.keys(c, page)).toEqual(['a', 'b']);
    commit(s, () => s.kv.truncate(c));
    expect(s.kv.count(c)).toBe(0);
  });

  it('hides a pair once the clock reaches its expireAt, and the sweep removes it through the change log', () => {
    const s = openReplica();
    const c = kvCollection(s);
    const now = nowSeconds(s);
    commit(s, () =>
      s.kv.upsert(c, [
        { _key: 'soon', value: 1, expireAt: now + 10 },
        { _key: 'later', value: 2, expireAt: now + 100 },
        { _key: 'never', value: 3, expireAt: -1 },
        { _key: 'zero', value: 4, expireAt: 0 },
      ]),
    );
    expect(s.sweepExpired()).toBe(0);
    s.clock.advance(10_000);
    expect(s.kv.getRaw(c, 'soon')).toBeUndefined();
    expect(s.kv.count(c)).toBe(3);
    expect(s.kv.keys(c, page)).toEqual(['later', 'never', 'zero']);
    expect(s.kv.values(c, ['soon', 'later'], page).map((p) => p._key)).toEqual(['later']);
    expect(error(() => commit(s, () => s.kv.remove(c, 'soon')))).toMatchObject({ errorNum: 1202 });
    // Still stored until the sweep: hidden by reading, not by the sweep.
    expect(stored(s).map((d) => d['_key'])).toContain('soon');
    const before = s.changes.lastSeq();
    expect(s.sweepExpired()).toBe(1);
    s.clock.runDue();
    const [removal] = s.changes.since(before, 10);
    expect(removal).toMatchObject({ op: 'remove', key: 'soon' });
    expect(JSON.parse(removal!.payload!)).toEqual({ expired: expect.stringMatching(/\|r1$/) });
    expect(entryProblem(removal!)).toBeUndefined();
    expect(stored(s).map((d) => d['_key'])).toEqual(['later', 'never', 'zero']);
    s.clock.advance(1_000_000_000);
    expect(s.sweepExpired()).toBe(1);
    expect(s.kv.keys(c, page)).toEqual(['never', 'zero']);
  });

  it('a set meets a unique index on the collection, and one added after the first sets', () => {
    const s = openReplica();
    const c = kvCollection(s, 'kv', { group: true });
    commit(s, () => s.kv.upsert(c, [{ _key: 'a', value: 'same' }, { _key: 'b', value: 'same' }]));
    commit(s, () => s.indexes.ensure(c, { type: 'persistent', fields: ['groupID'], unique: true, sparse: true }));
    commit(s, () => s.kv.upsert(c, [{ _key: 'a', value: 1, groupID: 'g' }]));
    expect(error(() => commit(s, () => s.kv.upsert(c, [{ _key: 'b', value: 2, groupID: 'g' }])))).toMatchObject({ errorNum: 1210 });
    expect(JSON.parse(s.kv.getRaw(c, 'b')!.body)).toMatchObject({ value: 'same' });
    commit(s, () => s.kv.upsert(c, [{ _key: 'a', value: 3, groupID: 'g' }]));
    expect(JSON.parse(s.kv.getRaw(c, 'a')!.body)).toMatchObject({ value: 3 });
  });

  it("an old data dir's pairs keep their expiry: the migration moves expireAt beside the body and the sweep's index follows", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-kv-'));
    try {
      const path = join(dir, 'r1.sqlite');
      const clock = new ManualClock();
      let s = openReplica('r1', 0, { path, clock });
      const c = kvCollection(s);
      const now = nowSeconds(s);
      commit(s, () => s.kv.upsert(c, [{ _key: 'soon', value: 1, expireAt: now + 10 }, { _key: 'never', value: 2 }]));
      expect(s.sweepExpired()).toBe(0);
      // The table and the sweep's index as the schema version before kept them: expireAt only in the body's JSON.
      s.db.exec(
        `DROP INDEX ${EXPIRY_INDEX_PREFIX}${c.id}; ALTER TABLE documents DROP COLUMN expire_at; ` +
          `CREATE INDEX ${EXPIRY_INDEX_PREFIX}${c.id} ON documents (json_extract(body, '$.expireAt')) WHERE cid = ${c.id} AND deleted = 0 AND json_extract(body, '$.expireAt') > 0; ` +
          // Version 5: the last before expireAt had a column of its own.
          'PRAGMA user_version = 5',
      );
      s.close();
      s = openReplica('r1', 0, { path, clock });
      expect(s.db.prepare('SELECT key, expire_at FROM documents WHERE cid = ? ORDER BY key').all(c.id)).toEqual([
        { key: 'never', expire_at: -1 },
        { key: 'soon', expire_at: now + 10 },
      ]);
      expect(s.db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'kvexp%'").all()).toEqual([]);
      clock.advance(10_000);
      expect(s.kv.getRaw(c, 'soon')).toBeUndefined();
      expect(s.sweepExpired()).toBe(1);
      expect(s.kv.keys(c, page)).toEqual(['never']);
      const index = s.db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(`${EXPIRY_INDEX_PREFIX}${c.id}`) as string;
      expect(index).toContain('expire_at');
      expect(index).not.toContain('json_extract');
      const plan = s.db.prepare(`EXPLAIN QUERY PLAN ${s.kv.dueStatement(c).source}`).all(0) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain(`${EXPIRY_INDEX_PREFIX}${c.id}`);
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports sets, deletes and expiry removals, its own sweep's and replicated ones, in the change stream", () => {
    const { clock, a, b, toB } = pair();
    const ca = kvCollection(a, 'kv', { stream: true });
    const now = nowSeconds(a);
    commit(a, () => a.kv.upsert(ca, [{ _key: 'k', value: { n: 1 }, expireAt: now + 5 }, { _key: 'gone', value: 2 }]));
    commit(a, () => a.kv.remove(ca, 'gone'));
    toB();
    clock.advance(6_000);
    expect(a.sweepExpired()).toBe(1);
    toB();
    // b's own sweep finds the pair already removed by a's: one removal each, never two.
    expect(b.sweepExpired()).toBe(0);
    for (const s of [a, b]) {
      const ms = s.streams.messages.range(s.streams.require(FABRIC, 'kv').id, 0, 10);
      const docs = ms.map((m) => JSON.parse(Buffer.from(m.payload, 'base64').toString('utf8')) as Record<string, unknown>);
      expect(docs.map((d) => [d['_key'], d['_delete'] ?? d['value']])).toEqual([['k', { n: 1 }], ['gone', 2], ['gone', true], ['k', true]]);
    }
  });

  it('iterates by key, and a replaced pair keeps its place and expires at its new expireAt, whether that changed or not', () => {
    const s = openReplica();
    const c = kvCollection(s);
    const now = nowSeconds(s);
    commit(s, () => s.kv.upsert(c, [{ _key: 'still', value: 3 }, { _key: 'same', value: 1, expireAt: now + 10 }, { _key: 'moved', value: 2 }]));
    const [kept] = commit(s, () => s.kv.upsert(c, [{ _key: 'same', value: 'x', expireAt: now + 10 }]));
    commit(s, () => s.kv.upsert(c, [{ _key: 'moved', value: 'y', expireAt: now + 5 }]));
    expect(stored(s).map((d) => [d['_key'], d['value'], d['expireAt']])).toEqual([['moved', 'y', now + 5], ['same', 'x', now + 10], ['still', 3, -1]]);
    expect(kept!._oldRev).toBeDefined();
    expect(s.kv.getRaw(c, 'same')?.rev).toBe(kept!._rev);
    s.clock.advance(5_000);
    expect(s.sweepExpired()).toBe(1);
    expect(s.kv.keys(c, page)).toEqual(['same', 'still']);
    s.clock.advance(5_000);
    expect(s.sweepExpired()).toBe(1);
    expect(s.kv.keys(c, page)).toEqual(['still']);
    // A pair the sweep removed and set again is live again: an insert over its tombstone, in its key's place.
    const [back] = commit(s, () => s.kv.upsert(c, [{ _key: 'same', value: 'again' }]));
    expect(back!._oldRev).toBeUndefined();
    expect(s.kv.getRaw(c, 'same')?.rev).toBe(back!._rev);
    expect(stored(s).map((d) => d['_key'])).toEqual(['same', 'still']);
    // Written as a document (C8QL, REST) or replicated, a pair takes its key's place all the same.
    commit(s, () => s.documents.insert(c, { _key: 'aa', value: 0, expireAt: -1 }));
    expect(stored(s).map((d) => d['_key'])).toEqual(['aa', 'same', 'still']);
  });

  it('replicas iterate a key-value collection in the same key order, whatever order the sets arrived in', () => {
    const { a, b, toB, toA } = pair();
    const ca = kvCollection(a);
    toB();
    const cb = b.collections.require(FABRIC, 'kv');
    commit(a, () => a.kv.upsert(ca, [{ _key: 'm', value: 'a' }, { _key: 'z', value: 'a' }]));
    commit(b, () => b.kv.upsert(cb, [{ _key: 'b', value: 'b' }, { _key: 'm', value: 'b' }]));
    toB();
    toA();
    expect(stored(a)).toEqual(stored(b));
    expect(stored(a).map((d) => d['_key'])).toEqual(['b', 'm', 'z']);
  });

  it("an old data dir's key-value collections iterate by key after the migration; document collections keep their order", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-kv-'));
    try {
      const path = join(dir, 'r1.sqlite');
      let s = openReplica('r1', 0, { path });
      const c = kvCollection(s);
      const docs = commit(s, () => s.collections.create(FABRIC, { name: 'docs' }));
      commit(s, () => s.kv.upsert(c, [{ _key: 'b', value: 1 }, { _key: 'a', value: 2 }]));
      commit(s, () => [{ _key: 'y' }, { _key: 'x' }].map((d) => s.documents.insert(docs, d)));
      // As the version before kept them: every position the clock of the document's last set.
      s.db.exec(`UPDATE documents SET ord = json_extract(meta, '$.b'); PRAGMA user_version = ${SCHEMA_VERSION - 1}`);
      expect(stored(s).map((d) => d['_key'])).toEqual(['b', 'a']);
      s.close();
      s = openReplica('r1', 0, { path });
      expect(stored(s).map((d) => d['_key'])).toEqual(['a', 'b']);
      expect([...s.documents.scan(s.collections.require(FABRIC, 'docs'))].map((d) => d['_key'])).toEqual(['y', 'x']);
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never expires pairs of a collection created without expiration', () => {
    const s = openReplica();
    const c = kvCollection(s, 'kv', { expiration: false });
    commit(s, () => s.kv.upsert(c, [{ _key: 'k', value: 1, expireAt: nowSeconds(s) - 1 }]));
    expect(s.kv.getRaw(c, 'k')).toBeDefined();
    expect(s.sweepExpired()).toBe(0);
    expect(s.kv.count(c)).toBe(1);
  });

  it('a set stores the document and change the general write path makes, and a pair a PATCH touched takes the general merge', () => {
    const { a, b, toB } = pair();
    const c = kvCollection(a, 'kv', { group: true });
    const value = { s: 'quote " and \\ ☃', n: [1, 2.5] };
    const [first] = commit(a, () => a.kv.upsert(c, [{ _key: 'k', value, groupID: 'g' }]));
    expect(a.kv.getRaw(c, 'k')!.body).toBe(JSON.stringify({ _key: 'k', _id: 'kv/k', _rev: first!._rev, value, expireAt: -1, groupID: 'g' }));
    expect(a.changes.since(0, 100).at(-1)).toMatchObject({ op: 'insert', key: 'k', payload: JSON.stringify({ value, expireAt: -1, groupID: 'g' }) });
    const patched = commit(a, () => a.documents.update(c, 'k', { extra: true }));
    const [second] = commit(a, () => a.kv.upsert(c, [{ _key: 'k', value: 2 }]));
    expect(second!._oldRev).toBe(patched._rev);
    expect(JSON.parse(a.kv.getRaw(c, 'k')!.body)).toEqual({ _key: 'k', _id: 'kv/k', _rev: second!._rev, value: 2, expireAt: -1 });
    const [third] = commit(a, () => a.kv.upsert(c, [{ _key: 'k', value: 3 }]));
    expect(third!._oldRev).toBe(second!._rev);
    expect(a.changes.since(0, 100).slice(-3).map((e) => e.op)).toEqual(['update', 'replace', 'replace']);
    toB();
    expect(stored(b)).toEqual(stored(a));
    expect(b.kv.getRaw(b.kv.require(FABRIC, 'kv'), 'k')!.body).toBe(a.kv.getRaw(c, 'k')!.body);
  });

  it('an expiry removes only the version it expired: a write made elsewhere after it survives everywhere', () => {
    const { clock, a, b, toA, toB } = pair();
    const ca = kvCollection(a);
    const now = nowSeconds(a);
    commit(a, () => a.kv.upsert(ca, [{ _key: 'session', value: 'old', expireAt: now + 5 }]));
    toB();
    clock.advance(6_000);
    // b writes a fresh pair under the key before a's sweep, and a's sweep runs before that arrives.
    const cb = b.kv.require(FABRIC, 'kv');
    commit(b, () => b.kv.upsert(cb, [{ _key: 'session', value: 'new', expireAt: now + 3600 }]));
    clock.advance(500);
    expect(a.sweepExpired()).toBe(1);
    toB();
    toA();
    for (const s of [a, b]) expect(JSON.parse(s.kv.getRaw(s.kv.require(FABRIC, 'kv'), 'session')!.body).value).toBe('new');
    expect(stored(a)).toEqual(stored(b));
  });

  it('replicas that each expire the same version converge to the same state', () => {
    const { clock, a, b, toA, toB } = pair();
    const ca = kvCollection(a);
    commit(a, () => a.kv.upsert(ca, [{ _key: 'k', value: 1, expireAt: nowSeconds(a) + 1 }, { _key: 'keep', value: 2 }]));
    toB();
    clock.advance(2_000);
    expect(a.sweepExpired()).toBe(1);
    expect(b.sweepExpired()).toBe(1);
    toA();
    toB();
    const tombstone = (s: Replica) => s.db.prepare("SELECT deleted, rev, meta FROM documents WHERE key = 'k'").get();
    expect(tombstone(a)).toEqual(tombstone(b));
    expect(tombstone(a)).toMatchObject({ deleted: 1 });
    expect(stored(a)).toEqual(stored(b));
  });

  it('the sweep reads an expiry index of its collection, not the whole collection, even with user indexes about', () => {
    const s = openReplica();
    const c = kvCollection(s);
    const docs = commit(s, () => s.collections.create(FABRIC, { name: 'docs' }));
    commit(s, () => s.indexes.ensure(docs, { type: 'persistent', fields: ['expireAt'] }));
    commit(s, () => s.sweepExpired());
    const plan = () => (s.db.prepare(`EXPLAIN QUERY PLAN ${s.kv.dueStatement(c).source}`).all(0) as { detail: string }[]).map((p) => p.detail).join('\n');
    expect(plan()).toContain(`kvexp_${c.id}`);
    commit(s, () => s.indexes.ensure(docs, { type: 'hash', fields: ['value'] }));
    expect(plan()).toContain(`kvexp_${c.id}`);
    commit(s, () => s.reset());
    expect(s.db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'kvexp%'").all()).toEqual([]);
  });
});
