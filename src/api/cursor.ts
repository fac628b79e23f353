import type { FastifyPluginAsync } from 'fastify';
import { gdnError } from '../core/errors.js';
import type { ApiContext } from './context.js';
import type { CursorPage, CursorStore } from './cursor-store.js';
import { runQuery } from './query-run.js';

const DEFAULT_BATCH = 100;
const MAX_BATCH = 1000;
const DEFAULT_TTL_S = 30;

type Body = Record<string, unknown>;

function objectBody(raw: unknown): Body {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw gdnError('BAD_PARAMETER', 'expecting a JSON object as body');
  return raw as Body;
}

function optBool(o: Body, key: string, where = ''): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw gdnError('BAD_PARAMETER', `'${where}${key}' must be a boolean`);
  return v;
}

function optNumber(o: Body, key: string, fallback: number, min: number, where = ''): number {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw gdnError('BAD_PARAMETER', `'${where}${key}' must be a number >= ${min}`);
  return v;
}

/** The query text of a body: absent is "query is empty" (1502), as ArangoDB answers. */
export function queryText(body: Body): string {
  const q = body['query'];
  if (q === undefined || q === null) throw gdnError('QUERY_EMPTY');
  if (typeof q !== 'string') throw gdnError('BAD_PARAMETER', "'query' must be a string");
  return q;
}

function envelope(code: number, page: CursorPage): Record<string, unknown> {
  const out: Record<string, unknown> = { error: false, code, result: page.result, hasMore: page.hasMore };
  if (page.id !== undefined) out['id'] = page.id;
  if (page.count !== undefined) out['count'] = page.count;
  return { ...out, cached: false, extra: page.extra };
}

/** C8QL cursors (spec/gdn-api.md §6): create runs the whole query, batches come from the store. */
export function cursorRoutes(ctx: ApiContext, cursors: CursorStore): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { fabric: string }; Body: unknown }>('/_fabric/:fabric/cursor', async (req, reply) => {
      const body = objectBody(req.body);
      const query = queryText(body);
      const batchSize = Math.min(MAX_BATCH, Math.trunc(optNumber(body, 'batchSize', DEFAULT_BATCH, 1)));
      const ttl = optNumber(body, 'ttl', DEFAULT_TTL_S, Number.MIN_VALUE);
      const count = optBool(body, 'count') ?? false;
      const rawOptions = body['options'] ?? {};
      if (typeof rawOptions !== 'object' || rawOptions === null || Array.isArray(rawOptions)) throw gdnError('BAD_PARAMETER', "'options' must be an object");
      const options = rawOptions as Body;
      const maxWarnings = options['maxWarningCount'];
      const out = await runQuery(ctx, req.params.fabric, query, body['bindVars'] as Record<string, unknown> | undefined, {
        fullCount: optBool(options, 'fullCount', 'options.') ?? false,
        failOnWarning: optBool(options, 'failOnWarning', 'options.') ?? false,
        ...(typeof maxWarnings === 'number' && Number.isInteger(maxWarnings) && maxWarnings >= 0 ? { maxWarningCount: maxWarnings } : {}),
        maxRuntime: optNumber(options, 'maxRuntime', 0, 0, 'options.'),
        memoryLimit: optNumber(options, 'memoryLimit', 0, 0, 'options.'),
      });
      const page = cursors.open({ rows: out.result, batchSize, ttlMs: ttl * 1000, count, extra: out.extra });
      return reply.code(201).send(envelope(201, page));
    });

    const next = async (req: { params: { id: string } }) => envelope(200, cursors.next(req.params.id));
    app.put<{ Params: { fabric: string; id: string } }>('/_fabric/:fabric/cursor/:id', next);
    app.post<{ Params: { fabric: string; id: string } }>('/_fabric/:fabric/cursor/:id', next);

    app.delete<{ Params: { fabric: string; id: string } }>('/_fabric/:fabric/cursor/:id', async (req, reply) => {
      cursors.close(req.params.id);
      return reply.code(202).send({ error: false, code: 202, id: req.params.id });
    });
  };
}
