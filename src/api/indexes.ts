import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import { EDGE_COLLECTION, INDEX_TYPES, type Collection, type IndexDef } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { bodyBool, FabricParams, queryRequired } from './fields.js';
import { answersWith } from './validation.js';

type Obj = Record<string, unknown>;

const CollectionQuery = z.object({ collection: answersWith('COLLECTION_PARAMETER_MISSING', queryRequired) });
/** spec/gdn-api.md §10; which fields each type needs is checked by storage, which replicated DDL goes through too. */
const IndexBody = z.looseObject({
  type: z.enum(INDEX_TYPES).optional(),
  fields: z.array(z.string()),
  name: z.string().nullish(),
  unique: bodyBool,
  sparse: bodyBool,
  deduplicate: bodyBool,
  expireAfter: z.number().nonnegative().optional(),
  geoJson: bodyBool,
  minLength: z.int().positive().nullish(),
}).meta({ example: { type: 'persistent', fields: ['zip'], unique: false } });
const ByIdParams = FabricParams.extend({ collection: z.string(), id: z.string() });

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

export function indexRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const { collections, indexes } = ctx.storage;

  return async (app) => {
    app.get('/_fabric/:fabric/index', { schema: { params: FabricParams, querystring: CollectionQuery } }, async (req) => {
      const c = collections.require(req.gdn.key, req.query.collection);
      const list = [...builtIn(c), ...indexes.list(c).map((d) => indexObject(c, d))];
      return { error: false, code: 200, indexes: list, identifiers: Object.fromEntries(list.map((o) => [o['id'] as string, o])) };
    });

    const create = async (fabric: string, collection: string, body: Obj, type: string | undefined) => {
      const c = collections.require(fabric, collection);
      const input = type === undefined ? body : { ...body, type };
      const { def, created } = await ctx.createIndex(fabric, c.name, input);
      const code = created ? 201 : 200;
      return { code, body: { ...indexObject(c, def), isNewlyCreated: created, error: false, code } };
    };

    app.post('/_fabric/:fabric/index', { schema: { params: FabricParams, querystring: CollectionQuery, body: IndexBody } }, async (req, reply) => {
      const r = await create(req.gdn.key, req.query.collection, req.body, undefined);
      return reply.code(r.code).send(r.body);
    });

    // One route per typed path GDN has (`POST /_api/index/persistent`, ...), so another type is 404.
    for (const t of [...INDEX_TYPES, 'general']) {
      app.post(`/_fabric/:fabric/index/${t}`, { schema: { params: FabricParams, querystring: CollectionQuery, body: IndexBody } }, async (req, reply) => {
        const r = await create(req.gdn.key, req.query.collection, req.body, t === 'general' ? undefined : t);
        return reply.code(r.code).send(r.body);
      });
    }

    app.get('/_fabric/:fabric/index/:collection/:id', { schema: { params: ByIdParams } }, async (req) => {
      const c = collections.require(req.gdn.key, req.params.collection);
      return { ...findAny(ctx, c, req.params.id).obj, error: false, code: 200 };
    });

    app.delete('/_fabric/:fabric/index/:collection/:id', { schema: { params: ByIdParams } }, async (req) => {
      const c = collections.require(req.gdn.key, req.params.collection);
      const found = findAny(ctx, c, req.params.id);
      if (!found.def) throw gdnError('FORBIDDEN', `cannot drop the ${String(found.obj['name'])} index`);
      const id = found.def.id;
      ctx.storage.write(() => indexes.drop(c, id));
      return { error: false, code: 200, id: found.obj['id'] };
    });
  };
}
