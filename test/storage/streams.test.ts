import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { isGdnError } from '../../src/core/errors.js';
import { parseMessageId } from '../../src/core/streams.js';
import { MAX_TOPIC_BACKLOG, type StreamMessage } from '../../src/storage/index.js';
import { commit, openReplica, type Replica } from '../helpers/storage.js';

const F = '_system';

function pair(): [Replica, Replica] {
  const clock = new ManualClock();
  return [openReplica('r-a', 0, { clock }), openReplica('r-b', 1, { clock })];
}

/** Ships what `from` committed and `to` has not applied yet. */
function ship(from: Replica, origin: string, to: Replica): void {
  const entries = from.changes.since(to.applier.appliedSeq(origin), 100_000);
  if (entries.length > 0) commit(to, () => to.applier.applyBatch(origin, entries));
}

const payloads = (ms: StreamMessage[]) => ms.map((m) => m.payload);
const decoded = (ms: StreamMessage[]) => ms.map((m) => JSON.parse(Buffer.from(m.payload, 'base64').toString('utf8')) as Record<string, unknown>);

function errorName(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGdnError(e) ? e.errorName : String(e);
  }
  return undefined;
}

describe('stream storage', () => {
  it('creates, lists and deletes streams; a name taken twice is 409 and a deleted stream takes its messages with it', () => {
    const [a] = pair();
    const g = commit(a, () => a.streams.create(F, 'c8globals.s1'));
    commit(a, () => a.streams.create(F, 'c8locals.s2'));
    expect(a.streams.list(F).map((r) => [r.topic, r.local])).toEqual([['c8globals.s1', false], ['c8locals.s2', true]]);
    expect(errorName(() => commit(a, () => a.streams.create(F, 'c8globals.s1')))).toBe('DUPLICATE_NAME');
    expect(errorName(() => commit(a, () => a.streams.create(F, 'no-prefix')))).toBe('ILLEGAL_NAME');
    commit(a, () => a.streams.publish(g, { payload: 'cGluZw==' }));
    commit(a, () => a.streams.drop(F, 'c8globals.s1'));
    expect(a.streams.get(F, 'c8globals.s1')).toBeUndefined();
    expect(a.streams.messages.range(g.id, 0, 10)).toEqual([]);
    expect(errorName(() => commit(a, () => a.streams.drop(F, 'c8globals.s1')))).toBe('STREAM_NOT_FOUND');
  });

  it('keeps each message exactly as published, in order, with a message id unique to it', () => {
    const [a] = pair();
    const s = commit(a, () => a.streams.create(F, 'c8locals.s'));
    for (const p of ['test', 'aGk=', '{not base64}']) commit(a, () => a.streams.publish(s, { payload: p, properties: { k: 'v' }, key: 'K' }));
    const ms = a.streams.messages.range(s.id, 0, 10);
    expect(payloads(ms)).toEqual(['test', 'aGk=', '{not base64}']);
    expect(ms.map((m) => [m.properties, m.key])).toEqual(Array(3).fill(['{"k":"v"}', 'K']));
    expect(new Set(ms.map((m) => m.id)).size).toBe(3);
    expect(ms.every((m) => parseMessageId(m.id) !== undefined)).toBe(true);
    expect(a.streams.messages.byId(s.id, ms[1]!.id)?.payload).toBe('aGk=');
  });

  it('replicates a global stream, its messages in the producer order with their ids, and its deletion; a local one stays', () => {
    const [a, b] = pair();
    const g = commit(a, () => a.streams.create(F, 'c8globals.g'));
    const l = commit(a, () => a.streams.create(F, 'c8locals.l'));
    for (let i = 0; i < 5; i++) {
      commit(a, () => a.streams.publish(g, { payload: `m${i}` }));
      commit(a, () => a.streams.publish(l, { payload: `local${i}` }));
    }
    ship(a, 'r-a', b);
    const there = b.streams.require(F, 'c8globals.g');
    expect(payloads(b.streams.messages.range(there.id, 0, 100))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(b.streams.messages.range(there.id, 0, 100).map((m) => m.id)).toEqual(a.streams.messages.range(g.id, 0, 100).map((m) => m.id));
    expect(b.streams.get(F, 'c8locals.l')).toBeUndefined();
    commit(a, () => a.streams.drop(F, 'c8globals.g'));
    ship(a, 'r-a', b);
    expect(b.streams.get(F, 'c8globals.g')).toBeUndefined();
    expect(b.streams.messages.range(there.id, 0, 100)).toEqual([]);
  });

  it('ids of messages published at the same moment at two regions differ', () => {
    const [a, b] = pair();
    const g = commit(a, () => a.streams.create(F, 'c8globals.g'));
    ship(a, 'r-a', b);
    const gb = b.streams.require(F, 'c8globals.g');
    const ma = commit(a, () => a.streams.publish(g, { payload: 'x' }));
    const mb = commit(b, () => b.streams.publish(gb, { payload: 'x' }));
    expect(ma.id).not.toBe(mb.id);
  });

  it('a message to a stream deleted here is discarded, as at its origin once the delete arrives', () => {
    const [a, b] = pair();
    const g = commit(a, () => a.streams.create(F, 'c8globals.g'));
    ship(a, 'r-a', b);
    commit(b, () => b.streams.drop(F, 'c8globals.g'));
    commit(a, () => a.streams.publish(g, { payload: 'late' }));
    ship(a, 'r-a', b);
    ship(b, 'r-b', a);
    expect(a.streams.get(F, 'c8globals.g')).toBeUndefined();
    expect(b.streams.get(F, 'c8globals.g')).toBeUndefined();
  });

  it("replicates the fabric's message ttl and trims messages older than it", () => {
    const [a, b] = pair();
    const s = commit(a, () => a.streams.create(F, 'c8locals.s'));
    commit(a, () => a.streams.publish(s, { payload: 'old' }));
    a.clock.advance(10_000);
    commit(a, () => a.streams.publish(s, { payload: 'new' }));
    expect(a.streams.trim(a.clock.now())).toBe(0);
    commit(a, () => a.streams.setTtl(F, 5));
    ship(a, 'r-a', b);
    expect(b.streams.ttl(F)).toBe(5);
    expect(a.streams.trim(a.clock.now())).toBe(1);
    a.clock.runDue();
    expect(payloads(a.streams.messages.range(s.id, 0, 10))).toEqual(['new']);
  });

  it(`keeps at most ${MAX_TOPIC_BACKLOG} messages of a topic, trimming the oldest`, () => {
    const [a] = pair();
    const s = commit(a, () => a.streams.create(F, 'c8locals.s'));
    commit(a, () => {
      for (let i = 0; i < MAX_TOPIC_BACKLOG + 3; i++) a.streams.publish(s, { payload: String(i) });
    });
    expect(a.streams.trim(a.clock.now())).toBe(3);
    a.clock.runDue();
    expect(a.streams.messages.range(s.id, 0, 1)[0]?.payload).toBe('3');
  });

  it('keeps subscriptions with their cursor and out-of-order acknowledgements, and forgets them with the stream', () => {
    const [a] = pair();
    const s = commit(a, () => a.streams.create(F, 'c8locals.s'));
    commit(a, () => a.streams.messages.saveSubscription({ sid: s.id, name: 'sub', type: 'Shared', cursor: 3, acked: [5, 7] }));
    expect(a.streams.messages.subscriptions(s.id)).toEqual([{ sid: s.id, name: 'sub', type: 'Shared', cursor: 3, acked: [5, 7] }]);
    commit(a, () => a.streams.drop(F, 'c8locals.s'));
    expect(a.streams.messages.subscriptions(s.id)).toEqual([]);
  });
});

describe('collection change streams', () => {
  it('publish every visible change of a stream collection as base64 JSON of the document after the write, removals with _delete', () => {
    const [a] = pair();
    const c = commit(a, () => a.collections.create(F, { name: 'cars', stream: true }));
    const plain = commit(a, () => a.collections.create(F, { name: 'plain' }));
    commit(a, () => a.documents.insert(c, { _key: 'k1', color: 'red' }));
    commit(a, () => a.documents.update(c, 'k1', { color: 'blue' }));
    commit(a, () => a.documents.remove(c, 'k1'));
    commit(a, () => a.documents.insert(plain, { _key: 'p' }));
    const topic = a.streams.require(F, 'cars');
    const ms = a.streams.messages.range(topic.id, 0, 10);
    expect(decoded(ms).map(({ _rev: _r, ...d }) => d)).toEqual([
      { _key: 'k1', _id: 'cars/k1', color: 'red' },
      { _key: 'k1', _id: 'cars/k1', color: 'blue' },
      { _key: 'k1', _id: 'cars/k1', _delete: true },
    ]);
    expect(ms.map((m) => m.key)).toEqual(['k1', 'k1', 'k1']);
    expect(a.streams.get(F, 'plain')).toBeUndefined();
  });

  it('report replicated writes at the receiving region, and a truncate as one removal per document', () => {
    const [a, b] = pair();
    const c = commit(a, () => a.collections.create(F, { name: 'cars', stream: true }));
    commit(a, () => a.documents.insert(c, { _key: 'x' }));
    commit(a, () => a.documents.insert(c, { _key: 'y' }));
    ship(a, 'r-a', b);
    commit(a, () => a.collections.truncate(F, 'cars'));
    ship(a, 'r-a', b);
    for (const s of [a, b]) {
      const ms = decoded(s.streams.messages.range(s.streams.require(F, 'cars').id, 0, 10));
      expect(ms.map((d) => [d['_key'], d['_delete'] ?? false])).toEqual([['x', false], ['y', false], ['x', true], ['y', true]]);
    }
  });

  it('report ttl expiry removals and start once the stream is switched on through the properties', () => {
    const [a] = pair();
    const c = commit(a, () => a.collections.create(F, { name: 'sessions' }));
    commit(a, () => a.indexes.ensure(c, { type: 'ttl', fields: ['at'], expireAfter: 1 }));
    commit(a, () => a.documents.insert(c, { _key: 'before', at: a.clock.now() / 1000 }));
    commit(a, () => a.collections.updateProperties(F, 'sessions', { hasStream: true }));
    commit(a, () => a.documents.insert(c, { _key: 'after', at: a.clock.now() / 1000 }));
    a.clock.advance(5000);
    commit(a, () => a.sweepExpired());
    const ms = decoded(a.streams.messages.range(a.streams.require(F, 'sessions').id, 0, 10));
    expect(ms.map((d) => [d['_key'], d['_delete'] ?? false])).toEqual([['after', false], ['before', true], ['after', true]]);
  });

  it('a dropped collection takes its change stream with it; a rolled-back write publishes nothing', () => {
    const [a] = pair();
    const c = commit(a, () => a.collections.create(F, { name: 'cars', stream: true }));
    commit(a, () => a.documents.insert(c, { _key: 'k' }));
    expect(errorName(() => commit(a, () => a.documents.insert(c, { _key: 'k' })))).toBe('UNIQUE_CONSTRAINT_VIOLATED');
    expect(a.streams.messages.range(a.streams.require(F, 'cars').id, 0, 10)).toHaveLength(1);
    commit(a, () => a.collections.drop(F, 'cars'));
    expect(a.streams.get(F, 'cars')).toBeUndefined();
  });
});
