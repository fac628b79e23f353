import type { FastifyPluginAsync } from 'fastify';
import { gdnError } from '../core/errors.js';
import { validateQuery } from '../query/index.js';
import type { ApiContext } from './context.js';
import { queryText } from './cursor.js';

type Body = Record<string, unknown>;
type Route = { Params: { fabric: string }; Body: unknown };

function objectBody(raw: unknown): Body {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw gdnError('BAD_PARAMETER', 'expecting a JSON object as body');
  return raw as Body;
}

/** Query validation and explain (spec/gdn-api.md §6); jsC8 posts explain to /explain. */
export function queryRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.post<Route>('/_fabric/:fabric/query', async (req) => {
      const v = validateQuery(queryText(objectBody(req.body)));
      return { error: false, code: 200, parsed: true, collections: v.collections, bindVars: v.bindVars, ast: [v.ast] };
    });

    const explain = async (req: { params: { fabric: string }; body: unknown }) => {
      const body = objectBody(req.body);
      const options = body['options'];
      const allPlans = typeof options === 'object' && options !== null && (options as Body)['allPlans'] === true;
      const e = ctx.explainQuery(req.params.fabric, queryText(body), body['bindVars'] as Record<string, unknown> | undefined);
      const stats = { rulesExecuted: 0, rulesSkipped: 0, plansCreated: e.stats.plansCreated };
      return { error: false, code: 200, ...(allPlans ? { plans: [e.plan] } : { plan: e.plan }), warnings: e.warnings, stats, cacheable: false };
    };
    app.post<Route>('/_fabric/:fabric/explain', explain);
    app.post<Route>('/_fabric/:fabric/query/explain', explain);
  };
}
