import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { GdnError } from '../../src/core/errors.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ChangeEntry, Storage } from '../../src/storage/index.js';
import { digest, expectedContents, sortedObject, visibleContents } from '../helpers/lww-model.js';
import { openReplica, type Replica } from '../helpers/storage.js';

const REGIONS = ['r-a', 'r-b', 'r-c'];

/**
 * Three replicas exchanging change-log entries directly through the applier, with a random
 * delivery schedule: FIFO per directed link, links delivering at random times, duplicates resent.
 * They share a manual clock; a delivery first runs what is due, which commits pending writes.
 */
function replicas() {
  const clock = new ManualClock();
  const stores = REGIONS.map((region, i) => openReplica(region, i, { clock }));
  const shipped = new Map<string, number>();
  const deliver = (from: number, to: number, upTo: number, resend: boolean) => {
    clock.runDue();
    const key = `${from}>${to}`;
    const start = resend ? Math.max(0, (shipped.get(key) ?? 0) - 3) : (shipped.get(key) ?? 0);
    const entries = stores[from]!.changes.since(start, upTo);
    if (entries.length === 0) return;
    stores[to]!.write(() => stores[to]!.applier.applyBatch(REGIONS[from]!, entries));
    shipped.set(key, Math.max(shipped.get(key) ?? 0, entries[entries.length - 1]!.seq));
  };
  const deliverAll = () => {
    for (let f = 0; f < 3; f++) for (let t = 0; t < 3; t++) if (f !== t) deliver(f, t, 1_000_000, false);
    clock.runDue();
  };
  return { stores, deliver, deliverAll, clock };
}

function allEntries(stores: Storage[]): ChangeEntry[] {
  return stores.flatMap((s) => s.changes.since(0, 1_000_000));
}

function contents(s: Storage) {
  const c = s.collections.get('_system', 'c');
  return c ? [...s.documents.scan(c)] : [];
}

function tryOp(s: Storage, fn: () => unknown) {
  try {
    s.write(fn);
  } catch (e) {
    if (!(e instanceof GdnError)) throw e;
  }
}

describe('merge rules on replicas (no network)', () => {
  it('concurrent PATCHes of different attributes both survive', () => {
    const { stores, deliverAll } = replicas();
    const [a, b] = stores as [Replica, Replica, Replica];
    const ca = a.write(() => a.collections.create('_system', { name: 'c' }));
    a.write(() => a.documents.insert(ca, { _key: 'k', x: 0, y: 0 }));
    deliverAll();
    b.write(() => b.documents.update(b.collections.require('_system', 'c'), 'k', { y: 2 }));
    a.write(() => a.documents.update(ca, 'k', { x: 1 }));
    deliverAll();
    for (const s of stores) expect(s.documents.get(s.collections.require('_system', 'c'), 'k')).toMatchObject({ x: 1, y: 2 });
    expect(new Set(stores.map((s) => digest(contents(s)))).size).toBe(1);
  });

  it('the same attribute resolves to the greater (hlc, origin)', () => {
    const { stores, deliverAll, clock } = replicas();
    const [a, b] = stores as [Replica, Replica, Replica];
    a.write(() => a.collections.create('_system', { name: 'c' }));
    a.write(() => a.documents.insert(a.collections.require('_system', 'c'), { _key: 'k' }));
    deliverAll();
    b.write(() => b.documents.update(b.collections.require('_system', 'c'), 'k', { v: 'b' }));
    a.write(() => a.documents.update(a.collections.require('_system', 'c'), 'k', { v: 'a' }));
    clock.runDue();
    const [ea, eb] = [a.changes.since(0, 100).at(-1)!, b.changes.since(0, 100).at(-1)!];
    const winner = ea.hlc > eb.hlc || (ea.hlc === eb.hlc && ea.origin > eb.origin) ? 'a' : 'b';
    deliverAll();
    for (const s of stores) expect(s.documents.get(s.collections.require('_system', 'c'), 'k')!['v']).toBe(winner);
  });

  it('a PATCH concurrent with a delete does not resurrect the document; a later insert brings back only its body', () => {
    const { stores, deliverAll } = replicas();
    const [a, b] = stores as [Replica, Replica, Replica];
    a.write(() => a.collections.create('_system', { name: 'c' }));
    a.write(() => a.documents.insert(a.collections.require('_system', 'c'), { _key: 'k', old: true }));
    deliverAll();
    a.write(() => a.documents.remove(a.collections.require('_system', 'c'), 'k'));
    b.write(() => b.documents.update(b.collections.require('_system', 'c'), 'k', { patched: true }));
    deliverAll();
    for (const s of stores) expect(s.documents.get(s.collections.require('_system', 'c'), 'k')).toBeUndefined();
    a.write(() => a.documents.insert(a.collections.require('_system', 'c'), { _key: 'k', fresh: 1 }));
    deliverAll();
    for (const s of stores) {
      const d = s.documents.get(s.collections.require('_system', 'c'), 'k')!;
      expect(d['fresh']).toBe(1);
      expect(d['old']).toBeUndefined();
    }
  });

  it('a document written at B into a collection whose create has not reached C yet still arrives', () => {
    const { stores, deliver, deliverAll } = replicas();
    const [a, b, c] = stores as [Replica, Replica, Replica];
    a.write(() => a.collections.create('_system', { name: 'c' }));
    deliver(0, 1, 100, false);
    b.write(() => b.documents.insert(b.collections.require('_system', 'c'), { _key: 'from-b' }));
    deliver(1, 2, 100, false);
    expect(c.collections.get('_system', 'c')).toBeUndefined();
    deliverAll();
    expect(c.documents.get(c.collections.require('_system', 'c'), 'from-b')).toBeDefined();
  });

  it.each(Array.from({ length: 300 }, (_, i) => i + 1))('seed %i: random concurrent writes converge to what the rules name', (seed) => {
    const rng = createRng(seed);
    const { stores, deliver, deliverAll } = replicas();
    stores[0]!.write(() => stores[0]!.collections.create('_system', { name: 'c' }));
    deliverAll();
    const keys = ['k0', 'k1', 'k2', 'k3'];
    const attrs = ['x', 'y', 'z'];
    for (let step = 0; step < 60; step++) {
      const s = stores[rng.int(3)]!;
      const c = s.collections.require('_system', 'c');
      const key = keys[rng.int(keys.length)]!;
      const roll = rng.next();
      const body = () => Object.fromEntries(attrs.filter(() => rng.next() < 0.6).map((a) => [a, rng.int(100)]));
      if (roll < 0.25) tryOp(s, () => s.documents.insert(c, { _key: key, ...body() }, { overwriteMode: 'replace' }));
      else if (roll < 0.4) tryOp(s, () => s.documents.replace(c, key, body()));
      else if (roll < 0.75) {
        const patch = Object.fromEntries(attrs.filter(() => rng.next() < 0.5).map((a) => [a, rng.next() < 0.2 ? null : rng.int(100)]));
        tryOp(s, () => s.documents.update(c, key, patch, { keepNull: rng.next() < 0.5 }));
      } else if (roll < 0.97) tryOp(s, () => s.documents.remove(c, key));
      else s.write(() => s.collections.truncate('_system', 'c'));
      // Random partial delivery on random links, sometimes resending what was already sent.
      for (let d = rng.int(3); d > 0; d--) {
        const from = rng.int(3);
        const to = (from + 1 + rng.int(2)) % 3;
        deliver(from, to, 1 + rng.int(4), rng.next() < 0.1);
      }
    }
    deliverAll();
    const expected = sortedObject(expectedContents(allEntries(stores), 'c'));
    const digests = new Set(stores.map((s) => digest(contents(s))));
    expect(digests.size).toBe(1);
    for (const s of stores) expect(sortedObject(visibleContents(contents(s)))).toEqual(expected);
  });
});
