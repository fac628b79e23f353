import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from './context.js';
import type { CursorPage, CursorStore } from './cursor-store.js';
import { bodyBool, FabricParams } from './fields.js';
import { runQuery } from './query-run.js';
import { answersWith } from './validation.js';

const DEFAULT_BATCH = 100;
const MAX_BATCH = 1000;
const DEFAULT_TTL_S = 30;

/** An absent or non-string query is "query is empty" (1502), as ArangoDB answers. */
export const QueryText = answersWith('QUERY_EMPTY', z.string());
/** Bind variables of the wrong shape are 1550; their names and values are the engine's to check. */
export const BindVars = answersWith('QUERY_BIND_PARAMETERS_INVALID', z.record(z.string(), z.unknown())).nullish();

const CursorBody = z.looseObject({
  query: QueryText,
  bindVars: BindVars,
  batchSize: z.number().min(1).nullish(),
  ttl: z.number().positive().nullish(),
  count: bodyBool,
  options: z
    .looseObject({
      fullCount: bodyBool,
      failOnWarning: bodyBool,
      maxWarningCount: z.int().nonnegative().nullish(),
      maxRuntime: z.number().nonnegative().nullish(),
      memoryLimit: z.number().nonnegative().nullish(),
    })
    .nullish(),
}).meta({ example: { query: 'FOR d IN addresses FILTER d.zip == @zip RETURN d', bindVars: { zip: '10001' }, batchSize: 100 } });
const CursorParams = FabricParams.extend({ id: z.string() });

function envelope(code: number, page: CursorPage): Record<string, unknown> {
  const out: Record<string, unknown> = { error: false, code, result: page.result, hasMore: page.hasMore };
  if (page.id !== undefined) out['id'] = page.id;
  if (page.count !== undefined) out['count'] = page.count;
  return { ...out, cached: false, extra: page.extra };
}

/** C8QL cursors (spec/gdn-api.md §6): create runs the whole query, batches come from the store. */
export function cursorRoutes(ctx: ApiContext, cursors: CursorStore): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/_fabric/:fabric/cursor', { schema: { params: FabricParams, body: CursorBody } }, async (req, reply) => {
      const body = req.body;
      const options = body.options ?? {};
      const out = await runQuery(ctx, req, body.query, body.bindVars ?? undefined, {
        fullCount: options.fullCount ?? false,
        failOnWarning: options.failOnWarning ?? false,
        ...(options.maxWarningCount == null ? {} : { maxWarningCount: options.maxWarningCount }),
        maxRuntime: options.maxRuntime ?? 0,
        memoryLimit: options.memoryLimit ?? 0,
      });
      const batchSize = Math.min(MAX_BATCH, Math.trunc(body.batchSize ?? DEFAULT_BATCH));
      const ttl = body.ttl ?? DEFAULT_TTL_S;
      const page = cursors.open({ rows: out.result, batchSize, ttlMs: ttl * 1000, count: body.count ?? false, extra: out.extra });
      return reply.code(201).send(envelope(201, page));
    });

    const byId = { schema: { params: CursorParams } };
    const next = async (req: { params: { id: string } }) => envelope(200, cursors.next(req.params.id));
    app.put('/_fabric/:fabric/cursor/:id', byId, next);
    app.post('/_fabric/:fabric/cursor/:id', byId, next);

    app.delete('/_fabric/:fabric/cursor/:id', byId, async (req, reply) => {
      cursors.close(req.params.id);
      return reply.code(202).send({ error: false, code: 202, id: req.params.id });
    });
  };
}
