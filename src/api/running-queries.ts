import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import type { ApiContext } from './context.js';
import { FabricParams } from './fields.js';

const QueryIdParams = FabricParams.extend({ id: z.string() });

/**
 * ArangoDB's query tracking (spec/gdn-api.md §6): the queries running at this PoP (those that
 * outgrew their slice on the PoP's loop and run in its query executor), the slow ones, and kill.
 * Each lists and kills the queries of the request's fabric of the caller's tenant only.
 */
export function runningQueryRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    const byFabric = { schema: { params: FabricParams } };
    app.get('/_fabric/:fabric/query/current', byFabric, async (req) => ctx.queries.current(req.gdn.key));
    app.get('/_fabric/:fabric/query/slow', byFabric, async (req) => ctx.queries.slow(req.gdn.key));
    app.delete('/_fabric/:fabric/query/slow', byFabric, async (req) => {
      ctx.queries.clearSlow(req.gdn.key);
      return { error: false, code: 200 };
    });
    app.delete('/_fabric/:fabric/query/:id', { schema: { params: QueryIdParams } }, async (req) => {
      if (!ctx.queries.kill(req.gdn.key, req.params.id)) throw gdnError('QUERY_NOT_FOUND', `query ID not found: ${req.params.id}`);
      return { error: false, code: 200 };
    });
  };
}
