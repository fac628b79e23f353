import { GdnError } from '../../src/core/errors.js';
import type { Document, QueryDataSource, ScanFilter, ScanResult, ScanSpec, WriteOptions, WriteResult } from '../../src/query/index.js';
import { compareValues, valuesEqual } from '../../src/query/index.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readPath(doc: Document, path: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const p of path) cur = isObj(cur) && Object.hasOwn(cur, p) ? cur[p] : null;
  return cur ?? null;
}

function matches(doc: Document, f: ScanFilter): boolean {
  const v = readPath(doc, f.path);
  switch (f.op) {
    case '==': return valuesEqual(v, f.value);
    case '!=': return !valuesEqual(v, f.value);
    case '<': return compareValues(v, f.value) < 0;
    case '<=': return compareValues(v, f.value) <= 0;
    case '>': return compareValues(v, f.value) > 0;
    case '>=': return compareValues(v, f.value) >= 0;
    case 'IN': return Array.isArray(f.value) && f.value.some((x) => valuesEqual(v, x));
  }
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>, opts: WriteOptions): Record<string, unknown> {
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (k === '_key' || k === '_id' || k === '_rev') continue;
    if (v === null && !opts.keepNull) delete out[k];
    else if (opts.mergeObjects && isObj(v) && isObj(out[k])) out[k] = mergePatch(out[k] as Record<string, unknown>, v, opts);
    else out[k] = v;
  }
  return out;
}

export type ScanMode = 'decline' | 'apply' | 'filters-only';

/** An in-memory QueryDataSource for tests; `scanMode` exercises both push-down paths. */
export class MemorySource implements QueryDataSource {
  private readonly data = new Map<string, Map<string, Document>>();
  private nextKey = 1;
  private nextRev = 1;
  scanCalls: ScanSpec[] = [];

  constructor(public scanMode: ScanMode = 'decline') {}

  addCollection(name: string, docs: Record<string, unknown>[] = []): this {
    this.data.set(name, new Map());
    for (const d of docs) this.insert(name, d, { ignoreErrors: false, waitForSync: false, keepNull: true, mergeObjects: true, overwrite: false, ignoreRevs: true, extra: {} });
    return this;
  }

  private coll(name: string): Map<string, Document> {
    const c = this.data.get(name);
    if (!c) throw new GdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`);
    return c;
  }

  hasCollection(name: string): boolean {
    return this.data.has(name);
  }

  collections(): string[] {
    return [...this.data.keys()];
  }

  documents(collection: string): Iterable<Document> {
    return [...this.coll(collection).values()];
  }

  scan(collection: string, spec: ScanSpec): ScanResult | null {
    this.scanCalls.push(spec);
    if (this.scanMode === 'decline') return null;
    let docs = [...this.coll(collection).values()].filter((d) => spec.filters.every((f) => matches(d, f)));
    if (this.scanMode === 'filters-only') return { documents: docs, filtersApplied: true, sortApplied: false, limitApplied: false };
    if (spec.sort.length > 0) {
      docs = [...docs].sort((a, b) => {
        for (const s of spec.sort) {
          const c = compareValues(readPath(a, s.path), readPath(b, s.path));
          if (c !== 0) return s.ascending ? c : -c;
        }
        return 0;
      });
    }
    docs = docs.slice(spec.offset, spec.limit === null ? undefined : spec.offset + spec.limit);
    return { documents: docs, filtersApplied: true, sortApplied: true, limitApplied: true };
  }

  getDocument(collection: string, key: string): Document | null {
    return this.coll(collection).get(key) ?? null;
  }

  private stamp(collection: string, key: string, body: Record<string, unknown>): Document {
    return { ...body, _key: key, _id: `${collection}/${key}`, _rev: `_r${this.nextRev++}` };
  }

  insert(collection: string, doc: Document, options: WriteOptions): WriteResult {
    const c = this.coll(collection);
    const key = doc._key === undefined ? String(this.nextKey++) : doc._key;
    if (typeof key !== 'string' || !/^[a-zA-Z0-9_\-:.@()+,=;$!*'%]{1,254}$/.test(key)) throw new GdnError('DOCUMENT_KEY_BAD');
    const old = c.get(key) ?? null;
    if (old && !options.overwrite) throw new GdnError('UNIQUE_CONSTRAINT_VIOLATED', `unique constraint violated - in index primary of type primary over '_key'; conflicting key: ${key}`);
    const created = this.stamp(collection, key, doc);
    c.set(key, created);
    return { new: created, old };
  }

  private existing(collection: string, key: string, options: WriteOptions): Document {
    const old = this.coll(collection).get(key);
    if (!old) throw new GdnError('DOCUMENT_NOT_FOUND');
    if (!options.ignoreRevs && options.expectedRev !== undefined && options.expectedRev !== old._rev) throw new GdnError('CONFLICT');
    return old;
  }

  update(collection: string, key: string, patch: Document, options: WriteOptions): WriteResult {
    const old = this.existing(collection, key, options);
    const updated = this.stamp(collection, key, mergePatch(old, patch, options));
    this.coll(collection).set(key, updated);
    return { new: updated, old };
  }

  replace(collection: string, key: string, doc: Document, options: WriteOptions): WriteResult {
    const old = this.existing(collection, key, options);
    const body = Object.fromEntries(Object.entries(doc).filter(([k]) => k !== '_key' && k !== '_id' && k !== '_rev'));
    const replaced = this.stamp(collection, key, body);
    this.coll(collection).set(key, replaced);
    return { new: replaced, old };
  }

  remove(collection: string, key: string, options: WriteOptions): WriteResult {
    const old = this.existing(collection, key, options);
    this.coll(collection).delete(key);
    return { new: null, old };
  }
}
