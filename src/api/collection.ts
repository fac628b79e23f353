import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { visible } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { splitFabricKey } from '../core/scope.js';
import { DOCUMENT_COLLECTION, EDGE_COLLECTION, isKv, KEY_TYPES, type Collection } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { bodyBool, FabricParams, queryBool } from './fields.js';
import { answersWith } from './validation.js';

const NameParams = FabricParams.extend({ name: z.string() });

/** spec/gdn-api.md §4; names and key rules are checked by storage, which says 1208 for a bad name. */
const CreateBody = z.looseObject({
  name: answersWith('ILLEGAL_NAME', z.string()),
  type: z.union([z.literal(DOCUMENT_COLLECTION), z.literal(EDGE_COLLECTION)]).nullish(),
  isLocal: bodyBool,
  stream: bodyBool,
  hasStream: bodyBool,
  waitForSync: bodyBool,
  cacheEnabled: bodyBool,
  isSystem: bodyBool,
  strongConsistency: bodyBool,
  keyOptions: z
    .looseObject({
      type: z.enum(KEY_TYPES).nullish(),
      allowUserKeys: bodyBool,
      increment: z.int().nonnegative().optional(),
      offset: z.int().nonnegative().optional(),
    })
    .optional(),
}).meta({ example: { name: 'addresses', type: 2 } });
const PropertiesBody = z.looseObject({ waitForSync: bodyBool, hasStream: bodyBool, cacheEnabled: bodyBool }).nullish();

/** The collection object of spec/gdn-api.md §4. */
export function collectionObject(c: Collection): Record<string, unknown> {
  return {
    id: String(c.id),
    name: c.name,
    status: 3,
    type: c.type,
    collectionModel: isKv(c) ? 'KV' : 'DOC',
    isSpot: false,
    isLocal: c.isLocal,
    hasStream: c.props.hasStream,
    waitForSync: c.props.waitForSync,
    isSystem: c.props.isSystem,
    globallyUniqueId: `h${splitFabricKey(c.fabric)?.fabric ?? c.fabric}/${c.id}`,
    searchEnabled: false,
  };
}

function propertiesObject(c: Collection): Record<string, unknown> {
  const { lastValue: _lastValue, ...keyOptions } = c.props.keyOptions;
  return {
    ...collectionObject(c),
    objectId: String(c.id),
    statusString: 'loaded',
    cacheEnabled: c.props.cacheEnabled,
    strongConsistency: c.props.strongConsistency,
    keyOptions,
  };
}

const ok = (body: Record<string, unknown>) => ({ error: false, code: 200, ...body });

export function collectionRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const { collections } = ctx.storage;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);
  const named = { schema: { params: NameParams } };
  return async (app) => {
    app.post('/_fabric/:fabric/collection', { schema: { params: FabricParams, body: CreateBody } }, async (req) =>
      ok(collectionObject(write(() => collections.create(req.gdn.key, req.body)))),
    );

    app.get('/_fabric/:fabric/collection', { schema: { params: FabricParams, querystring: z.object({ excludeSystem: queryBool(false) }) } }, async (req) =>
      ok({ result: collections.list(req.gdn.key, req.query.excludeSystem).filter((c) => visible(req.gdn.collectionLevels, c.name)).map(collectionObject) }),
    );

    app.get('/_fabric/:fabric/collection/:name', named, async (req) => ok(collectionObject(collections.require(req.gdn.key, req.params.name))));

    app.get('/_fabric/:fabric/collection/:name/properties', named, async (req) =>
      ok(propertiesObject(collections.require(req.gdn.key, req.params.name))),
    );

    app.put('/_fabric/:fabric/collection/:name/properties', { schema: { params: NameParams, body: PropertiesBody } }, async (req) =>
      ok(propertiesObject(write(() => collections.updateProperties(req.gdn.key, req.params.name, req.body ?? {})))),
    );

    app.get('/_fabric/:fabric/collection/:name/count', named, async (req) => {
      const c = collections.require(req.gdn.key, req.params.name);
      // Expired pairs are gone for every reader, this count included.
      return ok({ ...collectionObject(c), count: isKv(c) ? ctx.storage.kv.count(c) : collections.count(c) });
    });

    app.put('/_fabric/:fabric/collection/:name/truncate', named, async (req) =>
      ok(collectionObject(write(() => collections.truncate(req.gdn.key, req.params.name)))),
    );

    app.delete('/_fabric/:fabric/collection/:name', { schema: { params: NameParams, querystring: z.object({ isSystem: queryBool(false) }) } }, async (req) => {
      const c = collections.require(req.gdn.key, req.params.name);
      if (c.props.isSystem && !req.query.isSystem) {
        throw gdnError('FORBIDDEN', 'system collections can only be dropped with isSystem=true');
      }
      return ok({ id: String(write(() => collections.drop(req.gdn.key, req.params.name)).id) });
    });
  };
}
