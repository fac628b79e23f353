import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { validateQuery } from '../query/index.js';
import type { RequestScope } from './auth-hook.js';
import type { ApiContext } from './context.js';
import { BindVars, QueryText } from './cursor.js';
import { bodyBool, FabricParams } from './fields.js';

const example = { example: { query: 'FOR d IN addresses RETURN d' } };
const ValidateBody = z.looseObject({ query: QueryText }).meta(example);
const ExplainBody = z.looseObject({ query: QueryText, bindVars: BindVars, options: z.looseObject({ allPlans: bodyBool }).nullish() }).meta(example);

/** Query validation and explain (spec/gdn-api.md §6); jsC8 posts explain to /explain. */
export function queryRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/_fabric/:fabric/query', { schema: { params: FabricParams, body: ValidateBody } }, async (req) => {
      const v = validateQuery(req.body.query);
      return { error: false, code: 200, parsed: true, collections: v.collections, bindVars: v.bindVars, ast: [v.ast] };
    });

    const explain = async (req: { params: { fabric: string }; body: z.output<typeof ExplainBody>; gdn: RequestScope }) => {
      const { query, bindVars, options } = req.body;
      const allPlans = options?.allPlans === true;
      const e = ctx.explainQuery(req.gdn.key, query, bindVars ?? undefined, req.gdn.collectionLevels);
      const stats = { rulesExecuted: 0, rulesSkipped: 0, plansCreated: e.stats.plansCreated };
      return { error: false, code: 200, ...(allPlans ? { plans: [e.plan] } : { plan: e.plan }), warnings: e.warnings, stats, cacheable: false };
    };
    const schema = { params: FabricParams, body: ExplainBody };
    app.post('/_fabric/:fabric/explain', { schema }, explain);
    app.post('/_fabric/:fabric/query/explain', { schema }, explain);
  };
}
