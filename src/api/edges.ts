import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import { EDGE_COLLECTION, isKv, wrongModel } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { FabricParams, queryEnum, queryRequired } from './fields.js';
import { runQuery } from './query-run.js';
import { answersWith } from './validation.js';

const Params = FabricParams.extend({ collection: z.string() });
const Query = z.looseObject({ vertex: answersWith('DOCUMENT_HANDLE_BAD', queryRequired), direction: queryEnum(['in', 'out', 'any'] as const) });

/** Which end of an edge the vertex must be, per direction (ArangoDB's `in`: edges ending at it). */
const MATCH = { in: 'e._to == @v', out: 'e._from == @v', any: 'e._from == @v OR e._to == @v' } as const;

/**
 * `GET /_api/edges/{collection}?vertex=&direction=` (ArangoDB's edges API, which jsC8's
 * `edges()`, `inEdges()` and `outEdges()` call): the edges of one vertex, as a C8QL query in the
 * request's fabric, so the caller's collection access applies as it does to any query.
 */
export function edgeRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/_fabric/:fabric/edges/:collection', { schema: { params: Params, querystring: Query } }, async (req) => {
      const c = ctx.storage.collections.require(req.gdn.key, req.params.collection);
      if (isKv(c)) throw wrongModel(c, 'document');
      if (c.type !== EDGE_COLLECTION) throw gdnError('COLLECTION_TYPE_INVALID', `'${c.name}' is not an edge collection`);
      const direction = req.query.direction ?? 'any';
      const vertex = req.query.vertex;
      const out = await runQuery(ctx, req, `FOR e IN @@c FILTER ${MATCH[direction]} RETURN e`, { '@c': c.name, v: vertex });
      const { scannedFull, scannedIndex, filtered } = out.extra.stats;
      return { edges: out.result, error: false, code: 200, stats: { scannedIndex: scannedIndex! + scannedFull!, filtered } };
    });
  };
}
