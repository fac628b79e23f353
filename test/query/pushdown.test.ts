import { describe, expect, it } from 'vitest';
import { executeQuery, explainQuery } from '../../src/query/index.js';
import { MemorySource, type ScanMode } from './memory-source.js';

const docs = [
  { _key: '1', age: 30, name: 'b' }, { _key: '2', age: null, name: 'A' }, { _key: '3', name: 'c' },
  { _key: '4', age: '5', name: 'a' }, { _key: '5', age: true }, { _key: '6', age: 4, name: 'B' }, { _key: '7', age: [1] },
];

const QUERIES = [
  'FOR d IN c FILTER d.age < 5 RETURN d._key',
  'FOR d IN c FILTER d.age > 5 RETURN d._key',
  'FOR d IN c FILTER d.age == null RETURN d._key',
  'FOR d IN c FILTER 5 > d.age FILTER d.name != "A" RETURN d._key',
  'FOR d IN c FILTER d.age IN [4, "5", true] RETURN d._key',
  'FOR d IN c SORT d.name DESC LIMIT 1, 3 RETURN d._key',
  'FOR d IN c FILTER d.age >= 0 SORT d.age, d.name LIMIT 2 RETURN d._key',
  'FOR d IN c FILTER d.age == @v SORT d._key LIMIT @n RETURN d._key',
  'FOR x IN [1, 2] FOR d IN c SORT d.name LIMIT 3 RETURN [x, d._key]',
  'FOR d IN c FILTER LENGTH(d.name) > 0 FILTER d.age < 5 LIMIT 2 RETURN d._key',
];

function run(mode: ScanMode, q: string): unknown[] {
  const s = new MemorySource(mode).addCollection('c', docs);
  const bind = q.includes('@v') ? { v: 4, n: 1 } : {};
  return executeQuery(q, bind, s).result;
}

describe('push-down', () => {
  it.each(QUERIES)('gives identical results whether the source applies, partly applies or declines: %s', (q) => {
    const declined = run('decline', q);
    expect(run('apply', q)).toEqual(declined);
    expect(run('filters-only', q)).toEqual(declined);
  });

  it('passes a structured ScanSpec for a leading FOR', () => {
    const s = new MemorySource('apply').addCollection('c', docs);
    const r = executeQuery('FOR d IN c FILTER d.age >= 4 AND d.name == "B" SORT d.age DESC LIMIT 1 RETURN d._key', {}, s);
    expect(r.result).toEqual(['6']);
    expect(s.scanCalls[0]).toEqual({
      filters: [{ path: ['age'], op: '>=', value: 4 }, { path: ['name'], op: '==', value: 'B' }],
      sort: [{ path: ['age'], ascending: false }], offset: 0, limit: 1,
    });
    expect(r.stats.scannedIndex).toBe(1);
  });

  it('does not push SORT/LIMIT into a nested loop', () => {
    const s = new MemorySource('apply').addCollection('c', docs);
    executeQuery('FOR x IN [1, 2] FOR d IN c FILTER d.age == 4 LIMIT 1 RETURN d', {}, s);
    expect(s.scanCalls[0]).toEqual({ filters: [{ path: ['age'], op: '==', value: 4 }], sort: [], offset: 0, limit: null });
  });

  it('explain shows the pushed-down spec', () => {
    const s = new MemorySource().addCollection('c', docs);
    const e = explainQuery('FOR d IN c FILTER d.age == 1 RETURN d', {}, s);
    expect(e.plan.nodes.map((n) => n.type)).toEqual(['SingletonNode', 'EnumerateCollectionNode', 'FilterNode', 'ReturnNode']);
    expect(e.plan.nodes[1]?.pushdown?.filters).toEqual([{ path: ['age'], op: '==', value: 1 }]);
  });
});
