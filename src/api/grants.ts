import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { isFabricName } from '../core/names.js';
import { ACCESS_LEVELS, grantId, STREAM_LEVELS, type GrantScope, type GrantWho } from '../storage/index.js';
import { parseBody, pathParams } from './body-schema.js';
import type { ApiContext } from './context.js';
import { queryBool } from './fields.js';

const COLLECTION_OR_ALL = /^(\*|[A-Za-z_][A-Za-z0-9_-]{0,63})$/;
const STREAM_OR_ALL = /^(\*|[A-Za-z0-9_.-]{1,128})$/;

type Params = Record<string, string>;
type Req = FastifyRequest<{ Params: Params; Querystring: Record<string, unknown>; Body: unknown }>;

/**
 * The access-level tree GDN has under both `/_api/user/{user}` and `/_api/key/{keyid}` (and jsC8's
 * `/_admin/user/{user}`): per fabric, per collection (`*` = the fabric's default) and per stream,
 * each GET, PUT {grant} and DELETE (back to the default), plus listings.
 *
 * `principalOf` turns the route's parameter into the principal whose grants these are (404 when
 * it does not exist).
 */
export function grantRoutes(
  ctx: ApiContext,
  app: FastifyInstance,
  base: string,
  param: string,
  kind: GrantWho['kind'],
  principalOf: (req: Req) => Principal,
): void {
  const { dir, access } = ctx.auth;
  const reg = ctx.storage.registry;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);
  const whoOf = (req: Req): GrantWho => ({ kind, name: req.params[param] as string });
  const Full = z.looseObject({ full: queryBool(false) });
  const db = { schema: { params: pathParams('fabric', param, 'db') } };
  const coll = { schema: { params: pathParams('fabric', param, 'db', 'coll') } };
  const stream = { schema: { params: pathParams('fabric', param, 'db', 'stream') } };

  const fabricParam = (req: Req): string => {
    const f = req.params['db'] as string;
    if (f !== '*' && (!isFabricName(f) || !dir.fabric(req.gdn.tenant, f))) throw gdnError('DATABASE_NOT_FOUND', `database not found: ${f}`);
    return f;
  };
  const named = (req: Req, key: string, pattern: RegExp, what: string): string => {
    const v = req.params[key] as string;
    if (!pattern.test(v)) throw gdnError('ILLEGAL_NAME', `illegal ${what} name '${v}'`);
    return v;
  };
  const levelBody = (req: Req, levels: readonly string[]): string =>
    parseBody(z.object({ grant: z.enum(levels as [string, ...string[]]) }), req.body, `expecting {"grant": ${levels.map((l) => `"${l}"`).join(' | ')}}`).grant;

  const set = (req: Req, scope: GrantScope, level: string) => {
    principalOf(req);
    write(() => reg.put('grant', req.gdn.tenant, grantId(whoOf(req), scope), { level }));
  };
  const clear = (req: Req, reply: FastifyReply, scope: GrantScope) => {
    principalOf(req);
    const id = grantId(whoOf(req), scope);
    if (reg.get('grant', req.gdn.tenant, id)) write(() => reg.remove('grant', req.gdn.tenant, id));
    return reply.code(202).send({ error: false, code: 202 });
  };
  const collections = (req: Req, p: Principal, fabric: string): Record<string, string> => {
    const out: Record<string, string> = {};
    if (fabric !== '*') for (const c of ctx.storage.collections.list(`${req.gdn.tenant}/${fabric}`, true)) out[c.name] = access.collection(p, fabric, c.name);
    out['*'] = access.collection(p, fabric, '*');
    return out;
  };

  app.get(`${base}/database`, { schema: { params: pathParams('fabric', param), querystring: Full } }, async (req: Req) => {
    const p = principalOf(req);
    const full = req.query['full'] === true;
    const result: Record<string, unknown> = {};
    for (const f of dir.fabrics(req.gdn.tenant)) {
      const level = access.fabric(p, f.name);
      result[f.name] = full ? { permission: level, collections: collections(req, p, f.name) } : level;
    }
    return { error: false, code: 200, result };
  });
  app.get(`${base}/database/:db`, db, async (req: Req) => ({ error: false, code: 200, result: access.fabric(principalOf(req), fabricParam(req)) }));
  app.put(`${base}/database/:db`, db, async (req: Req) => {
    const db = fabricParam(req);
    const level = levelBody(req, ACCESS_LEVELS);
    set(req, { kind: 'db', fabric: db }, level);
    return { error: false, code: 200, result: level, [db]: level };
  });
  app.delete(`${base}/database/:db`, db, async (req: Req, reply) => clear(req, reply, { kind: 'db', fabric: fabricParam(req) }));

  app.get(`${base}/database/:db/collection`, { schema: { params: pathParams('fabric', param, 'db'), querystring: Full } }, async (req: Req) => {
    const p = principalOf(req);
    return { error: false, code: 200, result: collections(req, p, fabricParam(req)) };
  });
  app.get(`${base}/database/:db/collection/:coll`, coll, async (req: Req) => {
    const db = fabricParam(req);
    return { error: false, code: 200, result: access.collection(principalOf(req), db, named(req, 'coll', COLLECTION_OR_ALL, 'collection')) };
  });
  app.put(`${base}/database/:db/collection/:coll`, coll, async (req: Req) => {
    const db = fabricParam(req);
    const coll = named(req, 'coll', COLLECTION_OR_ALL, 'collection');
    const level = levelBody(req, ACCESS_LEVELS);
    set(req, { kind: 'coll', fabric: db, collection: coll }, level);
    return { error: false, code: 200, result: level, [`${db}/${coll}`]: level };
  });
  app.delete(`${base}/database/:db/collection/:coll`, coll, async (req: Req, reply) =>
    clear(req, reply, { kind: 'coll', fabric: fabricParam(req), collection: named(req, 'coll', COLLECTION_OR_ALL, 'collection') }),
  );

  app.get(`${base}/database/:db/stream`, db, async (req: Req) => {
    const p = principalOf(req);
    const db = fabricParam(req);
    const result: Record<string, string> = {};
    for (const g of dir.grantsOf(req.gdn.tenant, whoOf(req))) {
      const m = /\|stream:([^/]+)\/(.+)$/.exec(g.id);
      if (m && m[1] === db) result[m[2] as string] = access.stream(p, db, m[2] as string);
    }
    result['*'] = access.stream(p, db, '*');
    return { error: false, code: 200, result };
  });
  app.get(`${base}/database/:db/stream/:stream`, stream, async (req: Req) => {
    const db = fabricParam(req);
    return { error: false, code: 200, result: access.stream(principalOf(req), db, named(req, 'stream', STREAM_OR_ALL, 'stream')) };
  });
  app.put(`${base}/database/:db/stream/:stream`, stream, async (req: Req) => {
    const db = fabricParam(req);
    const stream = named(req, 'stream', STREAM_OR_ALL, 'stream');
    const level = levelBody(req, STREAM_LEVELS);
    set(req, { kind: 'stream', fabric: db, stream }, level);
    return { error: false, code: 200, result: level, [`${db}/${stream}`]: level };
  });
  app.delete(`${base}/database/:db/stream/:stream`, stream, async (req: Req, reply) =>
    clear(req, reply, { kind: 'stream', fabric: fabricParam(req), stream: named(req, 'stream', STREAM_OR_ALL, 'stream') }),
  );
}

/** Removes every grant of a principal (when the user or key itself is deleted), inside a write. */
export function dropGrantsOf(ctx: ApiContext, tenant: string, who: GrantWho): void {
  for (const g of ctx.auth.dir.grantsOf(tenant, who)) ctx.storage.registry.remove('grant', tenant, g.id);
}
