import type { ChangeEntry } from '../../src/storage/index.js';

/**
 * An independent oracle for the merge rules of docs/replication.md: every change of every region,
 * applied one after another in (hlc, origin) order to a plain map. Last-writer-wins registers give
 * the same result as this sequential replay, so a replica that disagrees with it broke a rule.
 */
type DocModel = { exists: boolean; attrs: Map<string, unknown> };

export function expectedContents(entries: ChangeEntry[], collection: string): Map<string, Record<string, unknown>> {
  const sorted = [...entries].sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
  const docs = new Map<string, DocModel>();
  for (const e of sorted) {
    if (e.collection !== collection) continue;
    if (e.op === 'collection.truncate') {
      docs.clear();
      continue;
    }
    if (e.key === null) continue;
    const payload = e.payload === null ? null : JSON.parse(e.payload);
    if (e.op === 'insert' || e.op === 'replace') docs.set(e.key, { exists: true, attrs: new Map(Object.entries(payload)) });
    else if (e.op === 'remove') docs.set(e.key, { exists: false, attrs: new Map() });
    else if (e.op === 'update') {
      const d = docs.get(e.key) ?? { exists: false, attrs: new Map() };
      for (const [k, v] of Object.entries(payload.set as Record<string, unknown>)) d.attrs.set(k, v);
      for (const k of payload.unset as string[]) d.attrs.delete(k);
      docs.set(e.key, d);
    }
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const [k, d] of docs) if (d.exists) out.set(k, Object.fromEntries(d.attrs));
  return out;
}

/** A replica's visible documents without system attributes, keyed by _key. */
export function visibleContents(docs: Iterable<Record<string, unknown>>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const d of docs) {
    const { _key, _id: _i, _rev: _r, ...rest } = d;
    out.set(_key as string, rest);
  }
  return out;
}

/** Digest of a replica in its iteration order (the same on every converged replica), system attributes (and so _rev) included. */
export function digest(docs: Iterable<Record<string, unknown>>): string {
  const canon = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
      : Array.isArray(v)
        ? v.map(canon)
        : v;
  return JSON.stringify([...docs].map(canon));
}

export function sortedObject(m: Map<string, Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}
