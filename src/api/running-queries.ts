import type { FastifyPluginAsync } from 'fastify';
import { gdnError } from '../core/errors.js';
import type { ApiContext } from './context.js';

type Fabric = { Params: { fabric: string } };

/**
 * ArangoDB's query tracking (spec/gdn-api.md §6): the queries running at this PoP (those that
 * outgrew their slice on the PoP's loop and run in its query executor), the slow ones, and kill.
 */
export function runningQueryRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Fabric>('/_fabric/:fabric/query/current', async (req) => ctx.queries.current().filter((q) => q.database === req.params.fabric));
    app.get<Fabric>('/_fabric/:fabric/query/slow', async (req) => ctx.queries.slow().filter((q) => q.database === req.params.fabric));
    app.delete<Fabric>('/_fabric/:fabric/query/slow', async () => {
      ctx.queries.clearSlow();
      return { error: false, code: 200 };
    });
    app.delete<{ Params: { fabric: string; id: string } }>('/_fabric/:fabric/query/:id', async (req) => {
      const running = ctx.queries.current().find((q) => q.id === req.params.id && q.database === req.params.fabric);
      if (!running || !ctx.queries.kill(req.params.id)) throw gdnError('QUERY_NOT_FOUND', `query ID not found: ${req.params.id}`);
      return { error: false, code: 200 };
    });
  };
}
