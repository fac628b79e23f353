import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/core/rng.js';
import { querySource } from '../../src/region/query-runner.js';
import { executeQuery, type QueryDataSource, type ScanSpec } from '../../src/query/index.js';
import { testRegion, type TestRegion } from '../helpers/client.js';

/**
 * Push-down must never change a result: the same queries over documents of mixed types give the
 * same rows, in the same order, with SQL push-down (with and without SQLite indexes) as with the
 * engine doing every FILTER/SORT/LIMIT itself.
 */
const VALUES: unknown[] = [
  null, true, false, 0, -1, 1, 1.5, 2, 10, -0.5, 1e6, '', '0', '1', 'a', 'A', 'b', 'B', 'é', 'z',
  [], [0], [1, 2], [null], {}, { x: 1 }, { x: null },
];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)] as T;

function randomDoc(rng: Rng, i: number): Record<string, unknown> {
  const d: Record<string, unknown> = { _key: `k${i}` };
  for (const attr of ['a', 'b']) if (rng.next() < 0.85) d[attr] = pick(rng, VALUES);
  if (rng.next() < 0.7) d['n'] = rng.next() < 0.8 ? { x: pick(rng, VALUES) } : pick(rng, VALUES);
  return d;
}

const ATTRS = ['d.a', 'd.b', 'd.n.x', 'd._key'];
const OPS = ['==', '!=', '<', '<=', '>', '>=', 'IN'];

function literal(v: unknown): string {
  return JSON.stringify(v);
}

function randomQuery(rng: Rng): string {
  const parts = ['FOR d IN c'];
  const filters = rng.int(3);
  let attr = pick(rng, ATTRS);
  for (let i = 0; i < filters; i++) {
    // Half the time the next filter is on the same attribute, so ranges get both bounds.
    if (rng.next() < 0.5) attr = pick(rng, ATTRS);
    const op = pick(rng, OPS);
    const value = op === 'IN'
      ? (rng.next() < 0.9 ? Array.from({ length: rng.int(4) }, () => pick(rng, [...VALUES, 'k1', 'k2'])) : pick(rng, VALUES))
      : attr === 'd._key' && rng.next() < 0.5 ? `k${rng.int(60)}` : pick(rng, VALUES);
    parts.push(rng.next() < 0.2 ? `FILTER ${literal(value)} ${op === 'IN' ? '==' : op} ${attr}` : `FILTER ${attr} ${op} ${literal(value)}`);
  }
  if (rng.next() < 0.6) {
    const keys = Array.from({ length: 1 + rng.int(2) }, () => `${pick(rng, ATTRS)} ${pick(rng, ['ASC', 'DESC'])}`);
    parts.push(`SORT ${keys.join(', ')}`);
  }
  if (rng.next() < 0.5) parts.push(rng.next() < 0.5 ? `LIMIT ${rng.int(10)}` : `LIMIT ${rng.int(10)}, ${rng.int(10)}`);
  parts.push('RETURN d._key');
  return parts.join(' ');
}

let t: TestRegion;
beforeAll(async () => {
  t = await testRegion();
  const s = t.region.storage;
  const rng = createRng(20240601).fork('docs');
  s.write(() => {
    const c = s.collections.create('_mm/_system', { name: 'c' });
    for (let i = 0; i < 60; i++) s.documents.insert(c, randomDoc(rng, i));
  });
  await s.committed();
});
afterAll(() => t.close());

function run(source: QueryDataSource, q: string): unknown[] {
  return executeQuery(q, {}, source).result;
}

describe('SQL push-down equivalence', () => {
  it('300 seeded random FILTER/SORT/LIMIT queries give identical results with push-down (without, then with indexes) and without it', () => {
    const s = t.region.storage;
    const rng = createRng(7).fork('queries');
    const queries = Array.from({ length: 300 }, () => randomQuery(rng));
    const plain = querySource(s, '_mm/_system', { pushdown: false });
    const pushed = querySource(s, '_mm/_system');
    const baseline = queries.map((q) => run(plain, q));
    const mismatches = (label: string) => queries
      .map((q, i) => ({ q, want: baseline[i], got: run(pushed, q) }))
      .filter((x) => JSON.stringify(x.want) !== JSON.stringify(x.got))
      .map((x) => `${label}: ${x.q}\n  want ${JSON.stringify(x.want)}\n  got  ${JSON.stringify(x.got)}`);
    expect(mismatches('no index')).toEqual([]);
    const c = s.collections.require('_mm/_system', 'c');
    s.write(() => s.indexes.ensure(c, { type: 'persistent', fields: ['a'] }));
    s.write(() => s.indexes.ensure(c, { type: 'persistent', fields: ['n.x', 'b'] }));
    expect(mismatches('indexed')).toEqual([]);
  });

  it('claims exactness only where it holds: number ranges yes, string ranges no, strings in a sort window no', () => {
    const s = t.region.storage;
    const c = s.collections.require('_mm/_system', 'c');
    const spec = (filters: ScanSpec['filters'], sort: ScanSpec['sort'] = [], limit: number | null = null) => ({ conditions: filters, order: sort, offset: 0, limit });
    expect(s.scanner.scan(c, spec([{ path: ['a'], op: '>', value: 1 }]))?.exact).toBe(true);
    expect(s.scanner.scan(c, spec([{ path: ['a'], op: '>', value: 'a' }]))?.exact).toBe(false);
    expect(s.scanner.scan(c, spec([{ path: ['a'], op: '==', value: [1, 2] }]))?.exact).toBe(false);
    expect(s.scanner.scan(c, spec([{ path: ['a"b'], op: '==', value: 1 }]))).toBeNull();
    const numbersOnly = s.scanner.scan(c, spec([{ path: ['a'], op: '>=', value: 0 }, { path: ['a'], op: '<', value: 100 }], [{ path: ['a'], ascending: true }], 3));
    expect(numbersOnly).toMatchObject({ exact: true, sorted: true, limited: true });
    const withStrings = s.scanner.scan(c, spec([], [{ path: ['a'], ascending: false }], 3));
    expect(withStrings).toMatchObject({ exact: true, sorted: false, limited: false });
  });
});

describe('push-down shape cache', () => {
  it('the same query shape over two collections, and after an index appears, reads the right rows', async () => {
    const t = await testRegion();
    try {
      for (const name of ['one', 'two']) {
        await t.client.post('/_api/collection', { name });
        await t.client.post(`/_api/document/${name}`, [{ k: 1, from: name }, { k: 2, from: name }]);
      }
      const q = (coll: string, k: unknown) => t.client.post('/_api/cursor', { query: 'FOR d IN @@c FILTER d.k == @k RETURN d.from', bindVars: { '@c': coll, k } });
      expect((await q('one', 1)).body.result).toEqual(['one']);
      expect((await q('two', 1)).body.result).toEqual(['two']);
      expect((await q('two', '1')).body.result).toEqual([]);
      await t.client.post('/_api/index', { type: 'persistent', fields: ['k'] }, { query: { collection: 'one' } });
      expect((await q('one', 2)).body.result).toEqual(['one']);
      expect((await q('two', 2)).body.result).toEqual(['two']);
    } finally {
      await t.close();
    }
  });
});
