import { ERRORS, GdnError, isGdnError, type ErrorName } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import {
  DEFAULT_LIMITS,
  executeQuery,
  explainQuery,
  QuerySliceExceeded,
  queryWrites,
  type RunControl,
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
import { isKv, wrongModel, type Collection, type Storage, type WriteOptions as StoreWriteOptions, type WriteResult as StoreWriteResult } from '../storage/index.js';
import type { CollectionLevels } from '../auth/index.js';
import type { QueryJob, QueryJobOptions } from './executor-protocol.js';
import { restrictedSource } from './query-access.js';
import type { QueryExecutor } from './query-executor.js';
import { RunningQueries } from './running-queries.js';

export interface QuerySourceOptions {
  /** false makes scan() decline, so the engine filters, sorts and limits everything itself. */
  pushdown?: boolean;
}

export interface RunOptions {
  fullCount?: boolean;
  /** Turn the first warning into an error (and roll every write back). */
  failOnWarning?: boolean;
  maxWarningCount?: number;
  /** The plain fabric name (CURRENT_DATABASE(), the query list's `database`); `fabric` itself is the storage key `<tenant>/<fabric>`. */
  database?: string;
  /** The caller's level per collection: a `none` collection does not exist for the query, an `ro` one cannot be written. Absent: full access. */
  access?: CollectionLevels;
  /** Who runs the query, as the query list shows it. */
  user?: string;
  /** Seconds the query may run (ArangoDB's options.maxRuntime); 0 or absent: the default limit. */
  maxRuntime?: number;
  /** Bytes the query may hold (ArangoDB's options.memoryLimit); 0 or absent: the default limit. */
  memoryLimit?: number;
}

/** How a PoP runs C8QL over its replica; the API reaches it only through its ApiContext. */
export interface QueryRunner {
  run(fabric: string, query: string, bindVars: Record<string, unknown> | undefined, opts?: RunOptions): Promise<ExecuteResult>;
  explain(fabric: string, query: string, bindVars: Record<string, unknown> | undefined, access?: CollectionLevels): ExplainResult;
  readonly running: RunningQueries;
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
    indexes: (name) => storage.indexes.list(coll(name)),
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

/** The limits a query runs under: its options within the defaults (docs/limits.md). */
export function jobOptions(opts: RunOptions): QueryJobOptions {
  return {
    fullCount: opts.fullCount === true,
    failOnWarning: opts.failOnWarning === true,
    ...(opts.maxWarningCount === undefined ? {} : { maxWarningCount: opts.maxWarningCount }),
    timeoutMs: opts.maxRuntime ? opts.maxRuntime * 1000 : DEFAULT_LIMITS.timeoutMs,
    memoryLimit: opts.memoryLimit ? Math.min(opts.memoryLimit, MAX_MEMORY_LIMIT) : DEFAULT_LIMITS.memoryLimit,
  };
}

/** The most a query's options.memoryLimit can ask for. */
export const MAX_MEMORY_LIMIT = 1024 * 1024 * 1024;

/** Runs one query over `source` now, on this thread; a query that writes must be inside storage.write. */
export function runQueryOn(
  storage: Storage,
  source: QueryDataSource,
  database: string,
  query: string,
  bindVars: Record<string, unknown> | undefined,
  o: QueryJobOptions,
  control: RunControl,
): ExecuteResult {
  const res = executeQuery(query, bindVars, source, {
    fullCount: o.fullCount,
    database,
    now: () => storage.clock.now(),
    limits: { timeoutMs: o.timeoutMs, memoryLimit: o.memoryLimit, ...(o.maxWarningCount === undefined ? {} : { maxWarnings: o.maxWarningCount }) },
    control,
  });
  const first = res.warnings[0];
  if (o.failOnWarning && first) throw warningError(first);
  return res;
}

/** Real-time ms a query runs on the PoP's own loop before it moves to the query executor. */
export const QUERY_SLICE_MS = 20;

export interface QueryRunnerOptions extends QuerySourceOptions {
  /** Where queries that outlive QUERY_SLICE_MS go; without one every query runs to its end on the PoP's loop. */
  executor?: QueryExecutor;
}

/** Writes may go ahead once another connection's exclusive job is over (Storage.exclusive). */
export async function untilWritable(storage: Storage): Promise<void> {
  for (let busy = storage.writable(); busy; busy = storage.writable()) await busy;
}

/**
 * Runs queries against one PoP's replica: a query the analyser says writes runs as one
 * storage.write. With an executor, a query gets QUERY_SLICE_MS on the PoP's loop, which nearly
 * every query needs no more of; one that outlives it is stopped there (a read-only query has done
 * nothing, a writing one is rolled back) and run again in the executor, where it is listed in
 * /_api/query/current and can be killed, and the PoP's loop stays free for health, control and
 * replication. A writing query holds the PoP's writes meanwhile (Storage.exclusive).
 */
export function queryRunner(storage: Storage, options: QueryRunnerOptions = {}): QueryRunner {
  // Data sources hold no per-query state, so one per fabric serves every query.
  const sources = new Map<string, QueryDataSource>();
  const sourceFor = (fabric: string): QueryDataSource => {
    let s = sources.get(fabric);
    if (!s) sources.set(fabric, (s = querySource(storage, fabric, options)));
    return s;
  };
  const running = new RunningQueries(storage.clock);
  const { executor } = options;

  const elsewhere = async (job: Omit<QueryJob, 'kill'>, writes: boolean, user: string): Promise<ExecuteResult> => {
    const kill = new Int32Array(new SharedArrayBuffer(4));
    const id = running.add(job.fabric, job.database, user, job.query, job.bindVars, job.startedAt, () => Atomics.store(kill, 0, 1));
    try {
      const run = () => (executor as QueryExecutor).run<ExecuteResult>({ ...job, kill });
      if (!writes) return (await run()).value;
      return await storage.exclusive(run);
    } finally {
      running.finish(id);
    }
  };

  return {
    running,
    async run(fabric, query, bindVars, opts = {}) {
      const o = jobOptions(opts);
      const writes = queryWrites(query);
      const source = opts.access ? restrictedSource(sourceFor(fabric), opts.access) : sourceFor(fabric);
      const database = opts.database ?? fabric;
      if (writes) await untilWritable(storage);
      const startedAt = systemClock.now();
      const control: RunControl = executor ? { sliceMs: QUERY_SLICE_MS } : {};
      const here = () => runQueryOn(storage, source, database, query, bindVars, o, control);
      try {
        // Execution is synchronous, so nothing interleaves with a read-only query and it needs no
        // write (a savepoint would dominate a point lookup).
        return writes ? storage.write(here) : here();
      } catch (e) {
        if (!(e instanceof QuerySliceExceeded)) throw e;
      }
      const job = { kind: 'query' as const, fabric, database, ...(opts.access ? { access: opts.access } : {}), query, bindVars, options: o, startedAt };
      return elsewhere(job, writes, opts.user ?? 'root');
    },
    explain: (fabric, query, bindVars, access) => explainQuery(query, bindVars, access ? restrictedSource(sourceFor(fabric), access) : sourceFor(fabric)),
  };
}
