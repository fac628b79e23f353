import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { visible } from '../auth/index.js';
import { gdnError, GdnError } from '../core/errors.js';
import type { Collection, PutResult, WriteResult } from '../storage/index.js';
import type { RequestScope } from './auth-hook.js';
import type { ApiContext } from './context.js';
import { bodyBool, FabricParams, queryBool, queryCount, queryOrder, queryString } from './fields.js';
import { acceptedAsIs } from './validation.js';

/** The most keys one `values` read and one `values` delete take (spec/gdn-api.md §8). */
export const MAX_READ_KEYS = 100;
export const MAX_DELETE_KEYS = 1000;
const DEFAULT_LIMIT = 20;

const NameParams = FabricParams.extend({ name: z.string() });
const KeyParams = NameParams.extend({ key: z.string() });

const CreateQuery = z.object({ expiration: queryBool(false), group: queryBool(false) });
/** jsC8 sends `{stream, waitForSync}`; the shard options have no meaning on one SQLite replica. */
const CreateBody = z
  .looseObject({
    stream: bodyBool,
    waitForSync: bodyBool,
    cacheEnabled: bodyBool,
    blobs: bodyBool,
    enableShards: bodyBool,
    shardKeys: z.array(z.string()).nullish(),
  })
  .nullish()
  .meta({ example: { stream: false, waitForSync: false } });
const GroupQuery = z.object({ groupID: queryString });
const KeysQuery = z.object({ offset: queryCount(0), limit: queryCount(DEFAULT_LIMIT), order: queryOrder, groupID: queryString });
const ValuesQuery = z.object({ offset: queryCount(0), limit: queryCount(), groupID: queryString });
/** A pair as Pairs takes it, checked in place: what zod would parse to the very same value. */
function isPlainPair(p: unknown): boolean {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return false;
  const { _key, value, expireAt, groupID } = p as Record<string, unknown>;
  return typeof _key === 'string' && value !== undefined && (expireAt === undefined || Number.isFinite(expireAt)) && (groupID === undefined || typeof groupID === 'string');
}

/** Key rules, the group and expireAt's integer are storage's to check (1221, 10), so every writer meets them. */
const Pairs = acceptedAsIs(
  z.array(
    z.looseObject({
      _key: z.string({ error: 'each pair needs a string _key' }),
      value: z.unknown(),
      expireAt: z.number({ error: 'expireAt must be a number (unix seconds)' }).optional(),
      groupID: z.string({ error: 'groupID must be a string' }).optional(),
    }),
    { error: 'expecting an array of pairs [{"_key", "value", "expireAt"}]' },
  ).meta({ example: [{ _key: 'session-1', value: { user: 'jane' }, expireAt: -1 }] }),
  (body) => Array.isArray(body) && body.every(isPlainPair),
);
const keys = (max: number) => z.array(z.string({ error: 'keys are strings' }), { error: 'expecting an array of keys' }).max(max, `at most ${max} keys at once`);
const ReadKeys = keys(MAX_READ_KEYS).nullish().meta({ example: ['session-1'] });
const DeleteKeys = keys(MAX_DELETE_KEYS).meta({ example: ['session-1'] });

const ok = (body: Record<string, unknown>) => ({ error: false, code: 200, ...body });
const meta = (r: WriteResult) => ({ _id: r._id, _key: r._key, _rev: r._rev });
/** A set's answer per pair, built as one literal: spreading meta() and adding `_oldrev` took V8's slow path for every set. */
const setResult = (r: PutResult) => (r._oldRev === undefined ? meta(r) : { _id: r._id, _key: r._key, _rev: r._rev, _oldrev: r._oldRev });

/** Key-value collections (spec/gdn-api.md §8) over storage/kv.ts. */
export function kvRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const { kv } = ctx.storage;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);
  const coll = (req: { gdn: RequestScope; params: { name: string } }): Collection => kv.require(req.gdn.key, req.params.name);
  const named = { schema: { params: NameParams } };

  return async (app) => {
    app.get('/_fabric/:fabric/kv', { schema: { params: FabricParams } }, async (req) =>
      ok({ result: kv.list(req.gdn.key).filter((c) => visible(req.gdn.collectionLevels, c.name)).map((c) => ({ name: c.name, expiration: c.props.kv?.expiration === true })) }),
    );

    app.post('/_fabric/:fabric/kv/:name', { schema: { params: NameParams, querystring: CreateQuery, body: CreateBody } }, async (req) => {
      const body = req.body ?? {};
      if (body.blobs) throw gdnError('NOT_IMPLEMENTED', 'KV collections of blobs (blobs: true) are not implemented by fabric-emu; values are JSON');
      const c = write(() =>
        kv.create(req.gdn.key, req.params.name, {
          expiration: req.query.expiration,
          group: req.query.group,
          stream: body.stream ?? false,
          waitForSync: body.waitForSync ?? false,
          cacheEnabled: body.cacheEnabled ?? false,
        }),
      );
      return ok({ name: c.name });
    });

    app.delete('/_fabric/:fabric/kv/:name', named, async (req) => {
      const c = coll(req);
      write(() => ctx.storage.collections.drop(c.fabric, c.name));
      return ok({ name: c.name });
    });

    app.get('/_fabric/:fabric/kv/:name/count', { schema: { params: NameParams, querystring: GroupQuery } }, async (req) => {
      const c = coll(req);
      return ok({ name: c.name, count: kv.count(c, req.query.groupID) });
    });

    app.get('/_fabric/:fabric/kv/:name/keys', { schema: { params: NameParams, querystring: KeysQuery } }, async (req) => {
      return ok({ result: kv.keys(coll(req), req.query) });
    });

    // The get and the set are plain handlers that return nothing: an async one, or one returning the
    // reply (a thenable to Fastify), costs a stream listener per request on the hottest KV paths.
    app.get('/_fabric/:fabric/kv/:name/value/:key', { schema: { params: KeyParams } }, (req, reply) => {
      const row = kv.getRaw(coll(req), req.params.key);
      if (!row) throw gdnError('DOCUMENT_NOT_FOUND', `no pair with key '${req.params.key}' in '${req.params.name}'`);
      reply.type('application/json; charset=utf-8').send(row.body);
    });

    app.delete('/_fabric/:fabric/kv/:name/value/:key', { schema: { params: KeyParams } }, async (req, reply) => {
      const c = coll(req);
      return reply.code(202).send(meta(write(() => kv.remove(c, req.params.key))));
    });

    app.put('/_fabric/:fabric/kv/:name/value', { schema: { params: NameParams, body: Pairs } }, (req, reply) => {
      const c = coll(req);
      const results = write(() => kv.upsert(c, req.body));
      reply.code(202).send(results.map(setResult));
    });

    app.post('/_fabric/:fabric/kv/:name/values', { schema: { params: NameParams, querystring: ValuesQuery, body: ReadKeys } }, async (req) => {
      const c = coll(req);
      const keys = req.body ?? undefined;
      const { offset, limit, groupID } = req.query;
      return ok({ result: kv.values(c, keys, { offset, limit: limit ?? (keys ? MAX_READ_KEYS : DEFAULT_LIMIT), order: 'asc', groupID }) });
    });

    app.delete('/_fabric/:fabric/kv/:name/values', { schema: { params: NameParams, body: DeleteKeys } }, async (req, reply) => {
      const c = coll(req);
      const failed = new Map<number, number>();
      // Each removal is a savepoint of its own (DocumentStore), so a missing key fails alone.
      const out = write(() =>
        req.body.map((k) => {
          try {
            return meta(kv.remove(c, k));
          } catch (e) {
            if (!(e instanceof GdnError)) throw e;
            failed.set(e.errorNum, (failed.get(e.errorNum) ?? 0) + 1);
            return { error: true, errorNum: e.errorNum, errorMessage: e.message, _key: k };
          }
        }),
      );
      if (failed.size > 0) reply.header('x-c8-error-codes', [...failed].map(([n, count]) => `${n}:${count}`).join(','));
      return reply.code(202).send(out);
    });

    app.put('/_fabric/:fabric/kv/:name/truncate', { schema: { params: NameParams, querystring: GroupQuery } }, async (req) => {
      const c = coll(req);
      write(() => kv.truncate(c, req.query.groupID));
      return ok({ name: c.name });
    });
  };
}
