import type { FastifyRequest } from 'fastify';
import type { QueryWarning } from '../query/index.js';
import type { ApiContext, QueryRunOptions } from './context.js';

export interface QueryOutcome {
  result: unknown[];
  /** The cursor response's `extra`: stats in ArangoDB's shape, warnings as {code, message}. */
  extra: { stats: Record<string, number>; warnings: QueryWarning[] };
}

/**
 * Runs a C8QL query through the PoP (ctx.runQuery) in the request's fabric, with the caller's
 * collection access, and shapes its stats as ArangoDB does. Shared by cursors and RESTQL.
 */
export async function runQuery(ctx: ApiContext, req: FastifyRequest, query: string, bindVars: Record<string, unknown> | undefined, opts: QueryRunOptions = {}): Promise<QueryOutcome> {
  const started = performance.now();
  const { key, fabric, collectionLevels, principal } = req.gdn;
  const r = await ctx.runQuery(key, query, bindVars, { ...opts, database: fabric, user: principal.user, ...(collectionLevels ? { access: collectionLevels } : {}) });
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
