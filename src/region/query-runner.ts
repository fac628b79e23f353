import { ERRORS, GdnError, isGdnError, type ErrorName } from '../core/errors.js';
import {
  executeQuery,
  explainQuery,
  queryWrites,
  type Document,
  type ExecuteResult,
  type ExplainResult,
  type QueryDataSource,
  type QueryWarning,
  type ScanResult,
  type ScanSpec,
  type WriteOptions,
  type WriteResult,
} from '../query/index.js';
import { isKv, wrongModel, type AccessLevel, type Collection, type Storage, type WriteOptions as StoreWriteOptions, type WriteResult as StoreWriteResult } from '../storage/index.js';

export interface QuerySourceOptions {
  /** false makes scan() decline, so the engine filters, sorts and limits everything itself. */
  pushdown?: boolean;
}

/** The caller's level per collection (auth/access.ts). */
export type CollectionAccess = (collection: string) => AccessLevel;

export interface RunOptions {
  fullCount?: boolean;
  /** Turn the first warning into an error (and roll every write back). */
  failOnWarning?: boolean;
  maxWarningCount?: number;
  /** The plain fabric name (CURRENT_DATABASE()); `fabric` itself is the storage key `<tenant>/<fabric>`. */
  database?: string;
  /** The caller's access: a `none` collection does not exist for the query, an `ro` one cannot be written. */
  access?: CollectionAccess;
}

/** How a PoP runs C8QL over its replica; the API reaches it only through its ApiContext. */
export interface QueryRunner {
  run(fabric: string, query: string, bindVars: Record<string, unknown> | undefined, opts?: RunOptions): ExecuteResult;
  explain(fabric: string, query: string, bindVars: Record<string, unknown> | undefined, access?: CollectionAccess): ExplainResult;
}

/**
 * A data source seen through the caller's access. Every way a query reaches a collection goes
 * through the source (FOR, DOCUMENT(), bind collections, every modification), so checking here
 * covers them all; a writing query runs as one storage write, so a refused write rolls back the
 * query's earlier writes too.
 */
export function restrictedSource(inner: QueryDataSource, access: CollectionAccess): QueryDataSource {
  const readable = (name: string) => access(name) !== 'none';
  const read = (name: string) => {
    if (!readable(name)) throw new GdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`);
  };
  const writable = (name: string) => {
    read(name);
    if (access(name) !== 'rw') throw new GdnError('FORBIDDEN', `read-only access to collection '${name}': the query cannot write to it`);
  };
  const src: QueryDataSource = {
    hasCollection: (name) => readable(name) && inner.hasCollection(name),
    documents: (name) => (read(name), inner.documents(name)),
    getDocument: (name, key) => (read(name), inner.getDocument(name, key)),
    insert: (name, doc, o) => (writable(name), inner.insert(name, doc, o)),
    update: (name, key, patch, o) => (writable(name), inner.update(name, key, patch, o)),
    replace: (name, key, doc, o) => (writable(name), inner.replace(name, key, doc, o)),
    remove: (name, key, o) => (writable(name), inner.remove(name, key, o)),
  };
  const collections = inner.collections;
  if (collections) src.collections = () => collections().filter(readable);
  const scan = inner.scan;
  if (scan) src.scan = (name, spec) => (read(name), scan(name, spec));
  return src;
}

/** The engine expects CONFLICT (409) for a `_rev` mismatch inside a query, not the REST 412. */
function revConflicts<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isGdnError(e) && e.errorName === 'PRECONDITION_FAILED') throw new GdnError('CONFLICT', 'conflict, _rev values do not match', e.extra as Record<string, unknown>);
    throw e;
  }
}

function storeOptions(o: WriteOptions): StoreWriteOptions {
  return {
    keepNull: o.keepNull,
    mergeObjects: o.mergeObjects,
    ignoreRevs: true,
    ifMatch: o.ignoreRevs ? undefined : o.expectedRev,
  };
}

function result(r: StoreWriteResult): WriteResult {
  return { new: r.new ?? null, old: r.old ?? null };
}

function warningError(w: QueryWarning): GdnError {
  const name = (Object.keys(ERRORS) as ErrorName[]).find((n) => ERRORS[n].errorNum === w.code) ?? 'BAD_PARAMETER';
  return new GdnError(name, w.message);
}

/**
 * The C8QL engine's view of one fabric of a PoP. Every write goes through the DocumentStore, so
 * query writes hit the change log and replicate exactly like REST writes; the runner runs a
 * writing query as one storage write, so an error rolls every write of it back.
 */
export function querySource(storage: Storage, fabric: string, options: QuerySourceOptions = {}): QueryDataSource {
  const { collections, documents, scanner, kv } = storage;
  const coll = (name: string): Collection => collections.require(fabric, name);
  // Key-value pairs are read as documents but written only through /_api/kv, which keeps their shape.
  const writable = (name: string): Collection => {
    const c = coll(name);
    if (isKv(c)) throw wrongModel(c, 'document');
    return c;
  };
  const source: QueryDataSource = {
    hasCollection: (name) => collections.get(fabric, name) !== undefined,
    collections: () => collections.list(fabric, false).map((c) => c.name),
    documents: (name) => {
      const c = coll(name);
      return kv.expires(c) ? visibleOnly(scanner.all(c), (d) => kv.visible(c, d)) : scanner.all(c);
    },
    getDocument: (name, key) => {
      const c = coll(name);
      const doc = documents.get(c, key) as Document | undefined;
      return doc && kv.visible(c, doc) ? doc : null;
    },
    insert: (name, doc, o) =>
      result(revConflicts(() => documents.insert(writable(name), doc, { ...storeOptions(o), overwriteMode: o.overwrite ? 'replace' : 'conflict' }))),
    update: (name, key, patch, o) => result(revConflicts(() => documents.update(writable(name), key, patch, storeOptions(o)))),
    replace: (name, key, doc, o) => result(revConflicts(() => documents.replace(writable(name), key, doc, storeOptions(o)))),
    remove: (name, key, o) => result(revConflicts(() => documents.remove(writable(name), key, storeOptions(o)))),
  };
  if (options.pushdown !== false) {
    source.scan = (name: string, spec: ScanSpec): ScanResult | null => {
      const c = coll(name);
      // SQL knows nothing of expiry: the engine filters what documents() gives it.
      if (kv.expires(c)) return null;
      const r = scanner.scan(c, { conditions: spec.filters, order: spec.sort, offset: spec.offset, limit: spec.limit });
      if (r === null) return null;
      const sortApplied = r.exact && r.sorted;
      // Every document is parsed anew from SQLite for this scan, so the engine need not copy it.
      return { documents: r.documents, filtersApplied: r.exact, sortApplied, limitApplied: sortApplied && r.limited, fresh: true };
    };
  }
  return source;
}

function* visibleOnly(docs: Iterable<Document>, keep: (d: Document) => boolean): Generator<Document> {
  for (const d of docs) if (keep(d)) yield d;
}

/** Runs queries against one PoP's replica: a query the analyser says writes runs as one storage.write. */
export function queryRunner(storage: Storage, options: QuerySourceOptions = {}): QueryRunner {
  // Data sources hold no per-query state, so one per fabric serves every query.
  const sources = new Map<string, QueryDataSource>();
  const sourceFor = (fabric: string): QueryDataSource => {
    let s = sources.get(fabric);
    if (!s) sources.set(fabric, (s = querySource(storage, fabric, options)));
    return s;
  };
  return {
    run(fabric, query, bindVars, opts = {}) {
      const source = opts.access ? restrictedSource(sourceFor(fabric), opts.access) : sourceFor(fabric);
      const execute = (): ExecuteResult => {
        const res = executeQuery(query, bindVars, source, {
          fullCount: opts.fullCount === true,
          database: opts.database ?? fabric,
          now: () => storage.clock.now(),
          ...(opts.maxWarningCount === undefined ? {} : { limits: { maxWarnings: opts.maxWarningCount } }),
        });
        const first = res.warnings[0];
        if (opts.failOnWarning && first) throw warningError(first);
        return res;
      };
      // Execution is synchronous, so nothing interleaves with a read-only query and it needs no
      // write (a savepoint would dominate a point lookup).
      return queryWrites(query) ? storage.write(execute) : execute();
    },
    explain: (fabric, query, bindVars, access) => explainQuery(query, bindVars, access ? restrictedSource(sourceFor(fabric), access) : sourceFor(fabric)),
  };
}
