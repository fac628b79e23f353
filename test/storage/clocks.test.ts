import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { formatHlc } from '../../src/core/hlc.js';
import { clockOf, compareClocks, newer, type ChangeEntry } from '../../src/storage/index.js';
import { commit, openReplica, type Replica } from '../helpers/storage.js';

describe('clock order', () => {
  const hlc = (physical: number, logical: number) => formatHlc({ physical, logical });

  it('orders by HLC, then by region name; never-written sorts first; a clock is not newer than itself', () => {
    const sorted = ['', clockOf(hlc(5, 0), 'r-b'), clockOf(hlc(5, 1), 'r-a'), clockOf(hlc(5, 1), 'r-b'), clockOf(hlc(6, 0), 'r-a'), clockOf(hlc(36 ** 3, 0), 'a')];
    const shuffled = [sorted[3]!, sorted[5]!, sorted[0]!, sorted[2]!, sorted[4]!, sorted[1]!];
    expect([...shuffled].sort(compareClocks)).toEqual(sorted);
    for (const c of sorted) expect(newer(c, c)).toBe(false);
    expect(newer(sorted[3]!, sorted[2]!)).toBe(true);
  });

  it('SQLite orders clocks the same way (purges and the ord column compare them in SQL)', () => {
    const s = openReplica();
    const clocks = ['', clockOf(hlc(9, 3), 'gdn-us-east'), clockOf(hlc(9, 3), 'gdn-us-east-2'), clockOf(hlc(10, 0), 'a'), clockOf(hlc(9, 40), 'z')];
    const sql = s.db.prepare('SELECT ? < ?').pluck();
    for (const a of clocks) for (const b of clocks) expect(sql.get(a, b) === 1).toBe(compareClocks(a, b) < 0);
    s.close();
  });
});

/** Two replicas on one manual clock, so their concurrent writes can carry the same HLC and the region name decides. */
function pair(): [Replica, Replica] {
  const clock = new ManualClock();
  return [openReplica('r-a', 0, { clock }), openReplica('r-b', 1, { clock })];
}

function exchange(a: Replica, b: Replica): void {
  for (const [from, to, origin] of [[a, b, 'r-a'], [b, a, 'r-b']] as const) {
    const entries = from.changes.since(to.applier.appliedSeq(origin), 1000);
    if (entries.length > 0) commit(to, () => to.applier.applyBatch(origin, entries));
  }
}

const clockOfEntry = (e: ChangeEntry) => clockOf(e.hlc, e.origin);

/** Each last-writer-wins register of storage, written concurrently at both replicas with a different value. */
const REGISTERS: { name: string; setup?: (s: Replica) => void; write: (s: Replica, value: boolean) => void; read: (s: Replica) => unknown }[] = [
  {
    name: 'a document attribute',
    setup: (s) => s.documents.insert(s.collections.create('_system', { name: 'c' }), { _key: 'k' }),
    write: (s, v) => s.documents.update(s.collections.require('_system', 'c'), 'k', { v }),
    read: (s) => s.documents.get(s.collections.require('_system', 'c'), 'k')!['v'],
  },
  {
    name: "a collection's existence and properties",
    write: (s, v) => s.collections.create('_system', { name: 'n', waitForSync: v }),
    read: (s) => s.collections.require('_system', 'n').props.waitForSync,
  },
  {
    name: "a collection's properties",
    setup: (s) => s.collections.create('_system', { name: 'p' }),
    write: (s, v) => s.collections.updateProperties('_system', 'p', { cacheEnabled: v }),
    read: (s) => s.collections.require('_system', 'p').props.cacheEnabled,
  },
  {
    name: 'an index definition',
    setup: (s) => s.collections.create('_system', { name: 'i' }),
    write: (s, v) => s.indexes.ensure(s.collections.require('_system', 'i'), { type: 'persistent', name: 'ix', fields: [v ? 'yes' : 'no'] }),
    read: (s) => s.indexes.find(s.collections.require('_system', 'i'), 'ix')!.fields[0] === 'yes',
  },
  {
    name: 'a RESTQL definition',
    write: (s, v) => s.restql.create('_system', 'q', { value: `RETURN ${v}`, parameter: {} }),
    read: (s) => s.restql.require('_system', 'q').value === 'RETURN true',
  },
];

describe('every register resolves concurrent writes by the one clock order', () => {
  it.each(REGISTERS)('$name', ({ setup, write, read }) => {
    const [a, b] = pair();
    if (setup) {
      commit(a, () => setup(a));
      exchange(a, b);
    }
    const seqs = [a.changes.lastSeq(), b.changes.lastSeq()];
    commit(a, () => write(a, true));
    commit(b, () => write(b, false));
    const [ea, eb] = [a.changes.since(seqs[0]!, 10).at(-1)!, b.changes.since(seqs[1]!, 10).at(-1)!];
    // The same HLC at both: only the region name can decide, and r-b sorts after r-a.
    expect(ea.hlc).toBe(eb.hlc);
    const winner = compareClocks(clockOfEntry(ea), clockOfEntry(eb)) > 0;
    expect(winner).toBe(false);
    exchange(a, b);
    expect(read(a)).toBe(winner);
    expect(read(b)).toBe(winner);
  });
});
