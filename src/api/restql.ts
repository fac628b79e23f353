import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import { splitFabricKey } from '../core/scope.js';
import { declaredBindVars, validateQuery } from '../query/index.js';
import type { SavedQuery } from '../storage/index.js';
import type { ApiContext } from './context.js';
import type { CursorPage, CursorStore } from './cursor-store.js';
import { FabricParams } from './fields.js';
import { runQuery } from './query-run.js';

const DEFAULT_BATCH = 100;
const MAX_BATCH = 1000;
const TTL_MS = 30_000;

const NameParams = FabricParams.extend({ name: z.string() });
const Parameter = z.record(z.string(), z.unknown());
const SHOW = { name: 'showAddresses', value: 'FOR d IN addresses RETURN d', parameter: {} };
const CreateBody = z
  .object({ query: z.object({ name: z.string().min(1), value: z.string(), parameter: Parameter.optional(), type: z.string().optional() }) })
  .meta({ example: { query: SHOW } });
const UpdateBody = z
  .object({ query: z.object({ value: z.string(), parameter: Parameter.optional(), type: z.string().optional() }) })
  .meta({ example: { query: { value: SHOW.value } } });
const ExecuteBody = z
  .object({ bindVars: Parameter.optional(), batchSize: z.number().int().positive().max(MAX_BATCH).optional() })
  .nullish();
const ImportBody = z
  .object({
    queries: z.array(z.object({ name: z.string().min(1), value: z.string(), parameter: Parameter.optional(), type: z.string().optional() })),
    details: z.boolean().optional(),
  })
  .meta({ example: { queries: [SHOW], details: true } });

/** Only C8QL saved queries exist in fabric-emu; GDN's SQL flavour is refused, not faked. */
function checkType(type: string | undefined): void {
  if (type !== undefined && type.toLowerCase() !== 'c8ql') {
    throw gdnError('BAD_PARAMETER', `saved query type '${type}' is not supported by fabric-emu; only 'c8ql' is`);
  }
}

function checkQuery(value: string): void {
  validateQuery(value);
}

function describe(q: SavedQuery): Record<string, unknown> {
  const { tenant, fabric } = splitFabricKey(q.fabric) ?? { tenant: '_mm', fabric: q.fabric };
  return { userid: 'root', tenant, fabric, name: q.name, value: q.value, parameter: q.parameter, type: q.type, _key: `root.${fabric}.${q.name}` };
}

/** RESTQL ids are integers on the wire (spec §7), unlike C8QL cursor ids. */
function page(p: CursorPage, code: number): Record<string, unknown> {
  const out: Record<string, unknown> = { error: false, code, result: p.result, hasMore: p.hasMore, cached: false, extra: p.extra };
  if (p.id !== undefined) out['id'] = Number(p.id);
  return out;
}

/** RESTQL (spec/gdn-api.md §7): saved C8QL queries, replicated to every PoP, executed by name. */
export function restqlRoutes(ctx: ApiContext, cursors: CursorStore): FastifyPluginAsyncZod {
  const store = ctx.storage.restql;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);
  return async (app) => {
    app.post('/_fabric/:fabric/restql', { schema: { params: FabricParams, body: CreateBody } }, async (req) => {
      const { query } = req.body;
      checkType(query.type);
      checkQuery(query.value);
      return { error: false, code: 200, result: describe(write(() => store.create(req.gdn.key, query.name, { value: query.value, parameter: query.parameter ?? {} }))) };
    });

    app.get('/_fabric/:fabric/restql/user', { schema: { params: FabricParams } }, async (req) => ({ error: false, code: 200, result: store.list(req.gdn.key).map(describe) }));

    app.put('/_fabric/:fabric/restql/:name', { schema: { params: NameParams, body: UpdateBody } }, async (req) => {
      const { query } = req.body;
      checkType(query.type);
      checkQuery(query.value);
      const prev = store.require(req.gdn.key, req.params.name);
      const saved = write(() => store.update(req.gdn.key, req.params.name, { value: query.value, parameter: query.parameter ?? prev.parameter }));
      return { error: false, code: 200, result: describe(saved) };
    });

    app.delete('/_fabric/:fabric/restql/:name', { schema: { params: NameParams } }, async (req) => {
      write(() => store.remove(req.gdn.key, req.params.name));
      return { error: false, code: 200, result: [] };
    });

    app.post('/_fabric/:fabric/restql/execute/:name', { schema: { params: NameParams, body: ExecuteBody } }, async (req, reply) => {
      const body = req.body;
      const saved = store.require(req.gdn.key, req.params.name);
      // Saved parameter values are defaults for the names the query declares; the caller's bindVars
      // win. A default for a name the query does not use is dropped, or the run would fail with 1552.
      const declared = declaredBindVars(saved.value);
      const defaults = Object.fromEntries(Object.entries(saved.parameter).filter(([name]) => declared.includes(name)));
      const bindVars = { ...defaults, ...body?.bindVars };
      const outcome = await runQuery(ctx, req, saved.value, bindVars);
      const first = cursors.open({ rows: outcome.result, batchSize: body?.batchSize ?? DEFAULT_BATCH, ttlMs: TTL_MS, count: false, extra: outcome.extra });
      return reply.code(201).send(page(first, 201));
    });

    app.put('/_fabric/:fabric/restql/fetch/:id', { schema: { params: FabricParams.extend({ id: z.string() }) } }, async (req) => page(cursors.next(req.params.id), 200));

    app.post('/_fabric/:fabric/restql/import', { schema: { params: FabricParams, body: ImportBody } }, async (req) => {
      const { queries, details } = req.body;
      let created = 0;
      const errors: { name: string; errorNum: number; errorMessage: string }[] = [];
      for (const q of queries) {
        try {
          checkType(q.type);
          checkQuery(q.value);
          write(() => store.create(req.gdn.key, q.name, { value: q.value, parameter: q.parameter ?? {} }));
          created++;
        } catch (e) {
          const err = e as { errorNum?: number; message: string };
          errors.push({ name: q.name, errorNum: err.errorNum ?? 4, errorMessage: err.message });
        }
      }
      const result: Record<string, unknown> = { created, errors: errors.length };
      if (details) result['details'] = { errors };
      return { error: false, code: 200, result };
    });
  };
}
