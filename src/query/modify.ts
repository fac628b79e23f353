import { GdnError, isGdnError } from '../core/errors.js';
import type { ModificationStatement } from './ast.js';
import type { Document, QueryDataSource, WriteOptions, WriteResult } from './datasource.js';
import { bindCollectionName, evaluate } from './evaluator.js';
import { extendRow, type Row, type Runtime } from './runtime.js';
import { isObject, valuesEqual } from './types.js';

const KNOWN_OPTIONS = new Set(['ignoreErrors', 'waitForSync', 'keepNull', 'mergeObjects', 'overwrite', 'ignoreRevs', 'exclusive']);

function writeOptions(rt: Runtime, st: ModificationStatement): WriteOptions {
  const raw = st.options ? evaluate(rt, st.options, Object.create(null) as Row) : {};
  const o = isObject(raw) ? raw : {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!KNOWN_OPTIONS.has(k)) extra[k] = v;
  return {
    ignoreErrors: o.ignoreErrors === true,
    waitForSync: o.waitForSync === true,
    keepNull: o.keepNull !== false,
    mergeObjects: o.mergeObjects !== false,
    overwrite: o.overwrite === true,
    ignoreRevs: o.ignoreRevs !== false,
    extra,
  };
}

/** The `_key` (and `_rev`, if any) a selector expression designates. */
function selector(v: unknown): { key: string; rev?: string } {
  if (typeof v === 'string') return { key: v };
  if (isObject(v)) {
    if (typeof v._key !== 'string') throw new GdnError('DOCUMENT_KEY_BAD', 'illegal document key: selector has no _key');
    return typeof v._rev === 'string' ? { key: v._key, rev: v._rev } : { key: v._key };
  }
  throw new GdnError('DOCUMENT_TYPE_INVALID', 'invalid document type: selector must be a string key or an object');
}

function requireObject(v: unknown): Document {
  if (!isObject(v)) throw new GdnError('DOCUMENT_TYPE_INVALID');
  return v;
}

function withRev(options: WriteOptions, rev: string | undefined): WriteOptions {
  return rev === undefined || options.ignoreRevs ? options : { ...options, expectedRev: rev };
}

/** First document whose attributes equal every attribute of the UPSERT search object. */
function findMatch(rt: Runtime, source: QueryDataSource, collection: string, search: Document): Document | null {
  const entries = Object.entries(search);
  if (typeof search._key === 'string' && entries.length === 1) return source.getDocument(collection, search._key);
  for (const doc of source.documents(collection)) {
    rt.tick();
    rt.stats.scannedFull++;
    if (entries.every(([k, v]) => valuesEqual(doc[k] ?? null, v))) return doc;
  }
  return null;
}

function writeOne(rt: Runtime, st: ModificationStatement, source: QueryDataSource, collection: string, row: Row, options: WriteOptions): WriteResult {
  switch (st.type) {
    case 'insert':
      return source.insert(collection, requireObject(evaluate(rt, st.doc, row)), options);
    case 'remove': {
      const sel = selector(evaluate(rt, st.key, row));
      return source.remove(collection, sel.key, withRev(options, sel.rev));
    }
    case 'update':
    case 'replace': {
      const keyValue = evaluate(rt, st.key, row);
      const sel = selector(keyValue);
      const doc = requireObject(st.doc ? evaluate(rt, st.doc, row) : keyValue);
      const opts = withRev(options, sel.rev);
      return st.type === 'update' ? source.update(collection, sel.key, doc, opts) : source.replace(collection, sel.key, doc, opts);
    }
    case 'upsert': {
      const search = requireObject(evaluate(rt, st.search, row));
      const found = findMatch(rt, source, collection, search);
      if (found === null) {
        const r = source.insert(collection, requireObject(evaluate(rt, st.insert, row)), options);
        return { new: r.new, old: null };
      }
      const patch = requireObject(evaluate(rt, st.update, extendRow(row, 'OLD', found)));
      const key = found._key as string;
      return st.replace ? source.replace(collection, key, patch, options) : source.update(collection, key, patch, options);
    }
  }
}

/** Performs the writes of one modification statement for all input rows (eagerly, like ArangoDB). */
export function executeModification(rt: Runtime, st: ModificationStatement, rows: Iterable<Row>): Row[] {
  const source = rt.requireSource();
  const collection = st.collection.kind === 'name' ? st.collection.name : bindCollectionName(rt, st.collection.name);
  const options = writeOptions(rt, st);
  const input = [...rows];
  const out: Row[] = [];
  for (const row of input) {
    rt.tick();
    let result: WriteResult;
    try {
      result = writeOne(rt, st, source, collection, row, options);
    } catch (e) {
      if (options.ignoreErrors && isGdnError(e) && e.errorNum >= 1200 && e.errorNum < 1300) {
        rt.stats.writesIgnored++;
        continue;
      }
      throw e;
    }
    rt.stats.writesExecuted++;
    let next = extendRow(row, 'NEW', result.new);
    next = extendRow(next, 'OLD', result.old);
    out.push(next);
  }
  return out;
}
