import type { FastifyPluginAsync } from 'fastify';
import { gdnError } from '../core/errors.js';
import { isKv, type Collection } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { boolParam, type Query } from './params.js';

type P = { Params: { fabric: string; name: string }; Querystring: Query };

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
    globallyUniqueId: `h${c.fabric}/${c.id}`,
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

export function collectionRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { collections } = ctx.storage;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);
  return async (app) => {
    app.post<{ Params: { fabric: string }; Body: unknown }>('/_fabric/:fabric/collection', async (req) => {
      const body = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw gdnError('BAD_PARAMETER', 'expecting a JSON object with a collection name');
      }
      return ok(collectionObject(write(() => collections.create(req.params.fabric, body as { name: unknown }))));
    });

    app.get<P>('/_fabric/:fabric/collection', async (req) => {
      const exclude = boolParam(req.query, 'excludeSystem', false);
      return ok({ result: collections.list(req.params.fabric, exclude).map(collectionObject) });
    });

    app.get<P>('/_fabric/:fabric/collection/:name', async (req) =>
      ok(collectionObject(collections.require(req.params.fabric, req.params.name))),
    );

    app.get<P>('/_fabric/:fabric/collection/:name/properties', async (req) =>
      ok(propertiesObject(collections.require(req.params.fabric, req.params.name))),
    );

    app.put<P & { Body: unknown }>('/_fabric/:fabric/collection/:name/properties', async (req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw gdnError('BAD_PARAMETER', 'expecting a JSON object');
      return ok(propertiesObject(write(() => collections.updateProperties(req.params.fabric, req.params.name, body))));
    });

    app.get<P>('/_fabric/:fabric/collection/:name/count', async (req) => {
      const c = collections.require(req.params.fabric, req.params.name);
      // Expired pairs are gone for every reader, this count included.
      return ok({ ...collectionObject(c), count: isKv(c) ? ctx.storage.kv.count(c) : collections.count(c) });
    });

    app.put<P>('/_fabric/:fabric/collection/:name/truncate', async (req) =>
      ok(collectionObject(write(() => collections.truncate(req.params.fabric, req.params.name)))),
    );

    app.delete<P>('/_fabric/:fabric/collection/:name', async (req) => {
      const c = collections.require(req.params.fabric, req.params.name);
      if (c.props.isSystem && !boolParam(req.query, 'isSystem', false)) {
        throw gdnError('FORBIDDEN', 'system collections can only be dropped with isSystem=true');
      }
      return ok({ id: String(write(() => collections.drop(req.params.fabric, req.params.name)).id) });
    });
  };
}
