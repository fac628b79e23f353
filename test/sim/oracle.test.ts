import { describe, expect, it } from 'vitest';
import type { AckedChange, Body } from '../../src/sim/changes.js';
import { Oracle, patchRegisters, type ReplicaView } from '../../src/sim/oracle.js';

type Change = AckedChange extends infer T ? (T extends unknown ? Omit<T, 'n' | 'collection'> : never) : never;

function oracleOf(...changes: Change[]): Oracle {
  const o = new Oracle();
  o.add({ n: 0, origin: 'a', hlc: '_0', collection: 'c', op: 'create' });
  changes.forEach((c, i) => o.add({ ...c, n: i + 1, collection: 'c' } as AckedChange));
  return o;
}

function view(docs: Record<string, [string, Body]>): ReplicaView {
  return { collections: new Map([['c', new Map(Object.entries(docs).map(([k, [rev, body]]) => [k, { rev, body }]))]]) };
}

const expected = (o: Oracle) => Object.fromEntries([...(o.expected().get('c')?.docs ?? [])].map(([k, d]) => [k, [d.rev, d.body]]));

describe('the sequential oracle', () => {
  it('replays in (hlc, origin) order whatever order the changes were acknowledged in', () => {
    const o = oracleOf(
      { origin: 'b', hlc: '_3', op: 'patch', key: 'k', set: { y: 2 }, unset: [] },
      { origin: 'a', hlc: '_1', op: 'put', key: 'k', body: { x: 1, y: 1 } },
      { origin: 'a', hlc: '_3', op: 'patch', key: 'k', set: { x: 9, y: 9 }, unset: [] },
      { origin: 'c', hlc: '_2', op: 'patch', key: 'k', set: {}, unset: ['x'] },
    );
    // _3 from b beats _3 from a on y; a's x survives c's earlier removal.
    expect(expected(o)).toEqual({ k: ['_3', { x: 9, y: 2 }] });
    // Only c's removal left nothing behind: the put still holds the existence register.
    expect(o.superseded()).toBe(1);
  });

  it('never lets a PATCH resurrect a deleted document; an insert after the delete brings only its body', () => {
    const o = oracleOf(
      { origin: 'a', hlc: '_1', op: 'put', key: 'k', body: { x: 1 } },
      { origin: 'a', hlc: '_2', op: 'delete', key: 'k' },
      { origin: 'b', hlc: '_3', op: 'patch', key: 'k', set: { y: 1 }, unset: [] },
    );
    expect(expected(o)).toEqual({});
    o.add({ n: 9, origin: 'b', hlc: '_4', collection: 'c', op: 'put', key: 'k', body: { z: 1 } });
    expect(expected(o)).toEqual({ k: ['_4', { z: 1 }] });
  });

  it('truncate and drop void older documents, not newer ones; a create after a drop revives newer ones', () => {
    const o = oracleOf(
      { origin: 'a', hlc: '_1', op: 'put', key: 'old', body: {} },
      { origin: 'b', hlc: '_3', op: 'put', key: 'new', body: {} },
      { origin: 'a', hlc: '_2', op: 'truncate' },
    );
    expect(Object.keys(expected(o))).toEqual(['new']);
    o.add({ n: 8, origin: 'a', hlc: '_4', collection: 'c', op: 'drop' });
    o.add({ n: 9, origin: 'b', hlc: '_5', collection: 'c', op: 'put', key: 'later', body: {} });
    expect(o.expected().has('c')).toBe(false);
    o.add({ n: 10, origin: 'a', hlc: '_6', collection: 'c', op: 'create' });
    expect(Object.keys(expected(o))).toEqual(['later']);
  });

  it('names the acknowledged write a replica lost, and not the ones it rightly superseded', () => {
    const o = oracleOf(
      { origin: 'a', hlc: '_1', op: 'put', key: 'k', body: { x: 1, y: 1 } },
      { origin: 'b', hlc: '_2', op: 'patch', key: 'k', set: { y: 2 }, unset: [] },
      { origin: 'a', hlc: '_3', op: 'put', key: 'j', body: { z: 1 } },
    );
    expect(o.lost(view({ k: ['_2', { x: 1, y: 2 }], j: ['_3', { z: 1 }] })).size).toBe(0);
    expect(o.disagreements(view({ k: ['_2', { x: 1, y: 2 }], j: ['_3', { z: 1 }] }))).toEqual([]);

    const lost = o.lost(view({ k: ['_1', { x: 1, y: 1 }] }));
    expect([...lost.keys()].map((c) => c.n).sort()).toEqual([2, 3]);
    expect([...lost.values()]).toContain('c/k.y is 1 at the replica');
    expect(o.disagreements(view({ k: ['_1', { x: 1, y: 1 }] }))).toEqual([
      'c/k: {"x":1,"y":1} @_1, expected {"x":1,"y":2} @_2',
      'c/j: missing (expected {"z":1} @_3)',
    ]);
  });
});

describe('patchRegisters (ArangoDB PATCH semantics)', () => {
  const old = { a: { x: 1, y: { z: 1 } }, b: 1 };

  it('merges nested objects with mergeObjects, replaces them without', () => {
    expect(patchRegisters(old, { a: { y: { w: 2 } } }, true, true)).toEqual({ set: { a: { x: 1, y: { z: 1, w: 2 } } }, unset: [] });
    expect(patchRegisters(old, { a: { y: { w: 2 } } }, true, false)).toEqual({ set: { a: { y: { w: 2 } } }, unset: [] });
  });

  it('keeps nulls with keepNull, removes them at any depth without', () => {
    expect(patchRegisters(old, { b: null, a: { x: null } }, true, true)).toEqual({ set: { b: null, a: { x: null, y: { z: 1 } } }, unset: [] });
    expect(patchRegisters(old, { b: null, a: { x: null }, c: { d: null, e: 1 } }, false, true)).toEqual({ set: { a: { y: { z: 1 } }, c: { e: 1 } }, unset: ['b'] });
  });

  it('ignores system attributes', () => {
    expect(patchRegisters(old, { _key: 'x', _rev: 'y', b: 2 }, true, true)).toEqual({ set: { b: 2 }, unset: [] });
  });
});
