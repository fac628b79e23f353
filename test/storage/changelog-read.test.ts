import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/index.js';
import { commit, openReplica } from '../helpers/storage.js';

const opened: Storage[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe('the change log between two commits', () => {
  it('reads a range once for every link that asks for it, and afresh after the next commit', () => {
    const s = openReplica('r1', 0);
    opened.push(s);
    commit(s, () => s.collections.create('_system', { name: 'c' }));
    const c = s.collections.require('_system', 'c');
    commit(s, () => s.documents.insert(c, { _key: 'a' }));
    const first = s.changes.since(0, 100);
    expect(first.map((e) => e.seq)).toEqual([1, 2]);
    expect(s.changes.since(0, 100)).toBe(first);
    expect(s.changes.since(1, 100).map((e) => e.key)).toEqual(['a']);
    commit(s, () => s.documents.insert(c, { _key: 'b' }));
    expect(s.changes.since(0, 100).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(s.changes.since(1, 100).map((e) => e.key)).toEqual(['a', 'b']);
  });

  it('an uncommitted write is not read, and a reset leaves nothing to read', () => {
    const s = openReplica('r1', 0);
    opened.push(s);
    commit(s, () => s.collections.create('_system', { name: 'c' }));
    expect(s.changes.since(0, 100)).toHaveLength(1);
    s.write(() => s.documents.insert(s.collections.require('_system', 'c'), { _key: 'a' }));
    expect(s.changes.since(0, 100)).toHaveLength(1);
    s.reset();
    expect(s.changes.since(0, 100)).toEqual([]);
  });
});
