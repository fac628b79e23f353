import type { FastifyPluginAsync } from 'fastify';
import { gdnError } from '../core/errors.js';
import { EDGE_COLLECTION, INDEX_TYPES, type Collection, type IndexDef } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { stringParam, type Query } from './params.js';

type Obj = Record<string, unknown>;

function builtIn(c: Collection): Obj[] {
  const primary = { id: `${c.name}/0`, name: 'primary', type: 'primary', fields: ['_key'], unique: true, sparse: false, selectivityEstimate: 1 };
  if (c.type !== EDGE_COLLECTION) return [primary];
  return [primary, { id: `${c.name}/2`, name: 'edge', type: 'edge', fields: ['_from', '_to'], unique: false, sparse: false, selectivityEstimate: 1 }];
}

/** The index object of spec/gdn-api.md §10. */
function indexObject(c: Collection, d: IndexDef): Obj {
  const o: Obj = { id: `${c.name}/${d.id}`, name: d.name, type: d.type, fields: d.fields, unique: d.unique, sparse: d.sparse };
  if (d.type === 'persistent' || d.type === 'hash' || d.type === 'skiplist') {
    o['deduplicate'] = d.deduplicate;
    o['selectivityEstimate'] = 1;
  }
  if (d.expireAfter !== undefined) o['expireAfter'] = d.expireAfter;
  if (d.geoJson !== undefined) o['geoJson'] = d.geoJson;
  if (d.minLength !== undefined) o['minLength'] = d.minLength;
  return o;
}

/** `<collection>/<id>`, `<id>` or a name; the built-in primary/edge indexes answer too. */
function findAny(ctx: ApiContext, c: Collection, idOrName: string): { def?: IndexDef; obj: Obj } {
  const plain = idOrName.startsWith(`${c.name}/`) ? idOrName.slice(c.name.length + 1) : idOrName;
  const bi = builtIn(c).find((o) => o['name'] === plain || o['id'] === `${c.name}/${plain}`);
  if (bi) return { obj: bi };
  const def = ctx.storage.indexes.find(c, plain);
  if (!def) throw gdnError('INDEX_NOT_FOUND');
  return { def, obj: indexObject(c, def) };
}

export function indexRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { collections, indexes } = ctx.storage;
  const collectionParam = (fabric: string, q: Query): Collection => {
    const name = stringParam(q, 'collection');
    if (name === undefined) throw gdnError('COLLECTION_PARAMETER_MISSING');
    return collections.require(fabric, name);
  };

  return async (app) => {
    app.get<{ Params: { fabric: string }; Querystring: Query }>('/_fabric/:fabric/index', async (req) => {
      const c = collectionParam(req.params.fabric, req.query);
      const list = [...builtIn(c), ...indexes.list(c).map((d) => indexObject(c, d))];
      return { error: false, code: 200, indexes: list, identifiers: Object.fromEntries(list.map((o) => [o['id'] as string, o])) };
    });

    const create = async (fabric: string, q: Query, body: unknown, type: string | undefined) => {
      const c = collectionParam(fabric, q);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw gdnError('BAD_PARAMETER', 'expecting a JSON object as body');
      const input = type === undefined ? (body as Obj) : { ...(body as Obj), type };
      const { def, created } = await ctx.createIndex(fabric, c.name, input);
      const code = created ? 201 : 200;
      return { code, body: { ...indexObject(c, def), isNewlyCreated: created, error: false, code } };
    };

    app.post<{ Params: { fabric: string }; Querystring: Query; Body: unknown }>('/_fabric/:fabric/index', async (req, reply) => {
      const r = await create(req.params.fabric, req.query, req.body, undefined);
      return reply.code(r.code).send(r.body);
    });

    // One route per typed path GDN has (`POST /_api/index/persistent`, ...), so another type is 404.
    for (const t of [...INDEX_TYPES, 'general']) {
      app.post<{ Params: { fabric: string }; Querystring: Query; Body: unknown }>(`/_fabric/:fabric/index/${t}`, async (req, reply) => {
        const r = await create(req.params.fabric, req.query, req.body, t === 'general' ? undefined : t);
        return reply.code(r.code).send(r.body);
      });
    }

    type ById = { Params: { fabric: string; collection: string; id: string } };
    app.get<ById>('/_fabric/:fabric/index/:collection/:id', async (req) => {
      const c = collections.require(req.params.fabric, req.params.collection);
      return { ...findAny(ctx, c, req.params.id).obj, error: false, code: 200 };
    });

    app.delete<ById>('/_fabric/:fabric/index/:collection/:id', async (req) => {
      const c = collections.require(req.params.fabric, req.params.collection);
      const found = findAny(ctx, c, req.params.id);
      if (!found.def) throw gdnError('FORBIDDEN', `cannot drop the ${String(found.obj['name'])} index`);
      const id = found.def.id;
      ctx.storage.write(() => indexes.drop(c, id));
      return { error: false, code: 200, id: found.obj['id'] };
    });
  };
}
