import { ERRORS, GdnError, type ErrorName } from '../core/errors.js';
import { executeQuery, type QueryDataSource, type QueryWarning } from '../query/index.js';
import type { Storage } from '../storage/index.js';
import { querySource, type QuerySourceOptions } from './query-source.js';

export interface RunQueryOptions extends QuerySourceOptions {
  fullCount?: boolean;
  /** Turn the first warning into an error (and roll every write back). */
  failOnWarning?: boolean;
  maxWarningCount?: number;
  /** The PoP's clock for DATE_NOW(). */
  now?: () => number;
}

export interface QueryOutcome {
  result: unknown[];
  /** The cursor response's `extra`: stats in ArangoDB's shape, warnings as {code, message}. */
  extra: { stats: Record<string, number>; warnings: QueryWarning[] };
}

/** A modification needs its keyword in the text; a false positive only costs a transaction. */
const MAY_WRITE = /\b(insert|update|replace|remove|upsert)\b/i;

function warningError(w: QueryWarning): GdnError {
  const name = (Object.keys(ERRORS) as ErrorName[]).find((n) => ERRORS[n].errorNum === w.code) ?? 'BAD_PARAMETER';
  return new GdnError(name, w.message);
}

/** Data sources hold no per-query state, so one per storage, fabric and push-down setting serves every query. */
const sources = new WeakMap<Storage, Map<string, QueryDataSource>>();

function sourceFor(storage: Storage, fabric: string, opts: QuerySourceOptions): QueryDataSource {
  let byFabric = sources.get(storage);
  if (!byFabric) sources.set(storage, (byFabric = new Map()));
  const key = `${opts.pushdown !== false}/${fabric}`;
  let source = byFabric.get(key);
  if (!source) byFabric.set(key, (source = querySource(storage, fabric, { pushdown: opts.pushdown !== false })));
  return source;
}

/**
 * Runs a C8QL query against one fabric of a PoP inside one storage transaction, so a failing
 * query (or failOnWarning) rolls back every write it made. Shared by cursors and RESTQL.
 */
export function runQuery(storage: Storage, fabric: string, query: string, bindVars: Record<string, unknown> | undefined, opts: RunQueryOptions = {}): QueryOutcome {
  const started = performance.now();
  const source = sourceFor(storage, fabric, opts);
  const execute = () => {
    const res = executeQuery(query, bindVars, source, {
      fullCount: opts.fullCount === true,
      database: fabric,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.maxWarningCount === undefined ? {} : { limits: { maxWarnings: opts.maxWarningCount } }),
    });
    const first = res.warnings[0];
    if (opts.failOnWarning && first) throw warningError(first);
    return res;
  };
  // Execution is synchronous, so nothing interleaves with a read-only query and it needs no
  // transaction (BEGIN/COMMIT would dominate a point lookup). A query that may write runs in one.
  const r = MAY_WRITE.test(query) ? storage.documents.transaction(execute) : execute();
  const stats: Record<string, number> = {
    writesExecuted: r.stats.writesExecuted,
    writesIgnored: r.stats.writesIgnored,
    scannedFull: r.stats.scannedFull,
    scannedIndex: r.stats.scannedIndex,
    filtered: r.stats.filtered,
    httpRequests: 0,
    executionTime: (performance.now() - started) / 1000,
    peakMemoryUsage: 0,
  };
  if (opts.fullCount && r.stats.fullCount !== undefined) stats['fullCount'] = r.stats.fullCount;
  return { result: r.result, extra: { stats, warnings: r.warnings } };
}
