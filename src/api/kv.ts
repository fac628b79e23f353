import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { gdnError, GdnError } from '../core/errors.js';
import type { Collection, KvListOptions, WriteResult } from '../storage/index.js';
import type { ApiContext } from './context.js';
import type { Query } from './params.js';

/** The most keys one `values` read and one `values` delete take (spec/gdn-api.md §8). */
export const MAX_READ_KEYS = 100;
export const MAX_DELETE_KEYS = 1000;
const DEFAULT_LIMIT = 20;

/** A query parameter as sent: the last one when repeated, undefined when empty. */
const last = (v: unknown): unknown => {
  const x = Array.isArray(v) ? v[v.length - 1] : v;
  return x === '' ? undefined : x;
};
const Bool = z.preprocess(
  (v) => {
    const x = last(v);
    if (typeof x !== 'string') return x;
    const lower = x.toLowerCase();
    return ['true', '1', 'yes'].includes(lower) ? true : ['false', '0', 'no'].includes(lower) ? false : x;
  },
  z.boolean({ error: 'must be true or false' }).default(false),
);
const Count = (fallback: number) => z.preprocess(last, z.coerce.number({ error: 'must be a number' }).int('must be an integer').nonnegative('must not be negative').default(fallback));
const GroupId = z.preprocess(last, z.string().optional());

const CreateQuery = z.object({ expiration: Bool, group: Bool });
const CreateBody = z
  .object({
    stream: z.boolean().optional(),
    waitForSync: z.boolean().optional(),
    cacheEnabled: z.boolean().optional(),
    blobs: z.boolean().optional(),
    enableShards: z.boolean().optional(),
    shardKeys: z.array(z.string()).optional(),
  })
  .optional();
const GroupQuery = z.object({ groupID: GroupId });
const KeysQuery = z.object({
  offset: Count(0),
  limit: Count(DEFAULT_LIMIT),
  order: z.preprocess((v) => (typeof last(v) === 'string' ? (last(v) as string).toLowerCase() : last(v)), z.enum(['asc', 'desc'], { error: "must be 'asc' or 'desc'" }).default('asc')),
  groupID: GroupId,
});
const ValuesQuery = z.object({ offset: Count(0), limit: z.preprocess(last, z.coerce.number().int().nonnegative().optional()), groupID: GroupId });
const Pairs = z.array(
  z.object({
    _key: z.string({ error: 'each pair needs a string _key' }),
    value: z.unknown(),
    expireAt: z.number({ error: 'expireAt must be a number (unix seconds)' }).optional(),
    groupID: z.string({ error: 'groupID must be a string' }).optional(),
  }),
  { error: 'expecting an array of pairs [{"_key", "value", "expireAt"}]' },
);
const Keys = (max: number) => z.array(z.string({ error: 'keys are strings' }), { error: 'expecting an array of keys' }).max(max, `at most ${max} keys at once`);

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw gdnError('BAD_PARAMETER', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return r.data;
}

type P = { Params: { fabric: string; name: string }; Querystring: Query; Body: unknown };
type PK = { Params: { fabric: string; name: string; key: string }; Querystring: Query };

const ok = (body: Record<string, unknown>) => ({ error: false, code: 200, ...body });
const meta = (r: WriteResult) => ({ _id: r._id, _key: r._key, _rev: r._rev });

/** Key-value collections (spec/gdn-api.md §8) over storage/kv.ts. */
export function kvRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { kv } = ctx.storage;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);
  const coll = (req: { params: { fabric: string; name: string } }): Collection => kv.require(req.params.fabric, req.params.name);

  return async (app) => {
    app.get<{ Params: { fabric: string } }>('/_fabric/:fabric/kv', async (req) =>
      ok({ result: kv.list(req.params.fabric).map((c) => ({ name: c.name, expiration: c.props.kv?.expiration === true })) }),
    );

    app.post<P>('/_fabric/:fabric/kv/:name', async (req) => {
      const q = parse(CreateQuery, req.query, 'query');
      const body = parse(CreateBody, req.body ?? undefined, 'body') ?? {};
      if (body.blobs) throw gdnError('NOT_IMPLEMENTED', 'KV collections of blobs (blobs: true) are not implemented by fabric-emu; values are JSON');
      const c = write(() =>
        kv.create(req.params.fabric, req.params.name, {
          expiration: q.expiration,
          group: q.group,
          stream: body.stream ?? false,
          waitForSync: body.waitForSync ?? false,
          cacheEnabled: body.cacheEnabled ?? false,
        }),
      );
      return ok({ name: c.name });
    });

    app.delete<P>('/_fabric/:fabric/kv/:name', async (req) => {
      const c = coll(req);
      write(() => ctx.storage.collections.drop(c.fabric, c.name));
      return ok({ name: c.name });
    });

    app.get<P>('/_fabric/:fabric/kv/:name/count', async (req) => {
      const c = coll(req);
      const { groupID } = parse(GroupQuery, req.query, 'query');
      return ok({ name: c.name, count: kv.count(c, groupID) });
    });

    app.get<P>('/_fabric/:fabric/kv/:name/keys', async (req) => {
      const c = coll(req);
      return ok({ result: kv.keys(c, parse(KeysQuery, req.query, 'query')) });
    });

    app.get<PK>('/_fabric/:fabric/kv/:name/value/:key', async (req, reply) => {
      const row = kv.getRaw(coll(req), req.params.key);
      if (!row) throw gdnError('DOCUMENT_NOT_FOUND', `no pair with key '${req.params.key}' in '${req.params.name}'`);
      return reply.type('application/json; charset=utf-8').send(row.body);
    });

    app.delete<PK>('/_fabric/:fabric/kv/:name/value/:key', async (req, reply) => {
      const c = coll(req);
      const r = write(() => kv.remove(c, req.params.key));
      return reply.code(202).send(meta(r));
    });

    app.put<P>('/_fabric/:fabric/kv/:name/value', async (req, reply) => {
      const c = coll(req);
      const pairs = parse(Pairs, req.body, 'body');
      const results = write(() => kv.upsert(c, pairs));
      return reply.code(202).send(results.map((r) => (r._oldRev === undefined ? meta(r) : { ...meta(r), _oldrev: r._oldRev })));
    });

    app.post<P>('/_fabric/:fabric/kv/:name/values', async (req) => {
      const c = coll(req);
      const q = parse(ValuesQuery, req.query, 'query');
      const keys = parse(Keys(MAX_READ_KEYS).optional(), req.body ?? undefined, 'body');
      const o: KvListOptions = { offset: q.offset, limit: q.limit ?? (keys ? MAX_READ_KEYS : DEFAULT_LIMIT), order: 'asc', groupID: q.groupID };
      return ok({ result: kv.values(c, keys, o) });
    });

    app.delete<P>('/_fabric/:fabric/kv/:name/values', async (req, reply: FastifyReply) => {
      const c = coll(req);
      const keys = parse(Keys(MAX_DELETE_KEYS), req.body, 'body');
      const failed = new Map<number, number>();
      // Each removal is a savepoint of its own (DocumentStore), so a missing key fails alone.
      const out = write(() =>
        keys.map((k) => {
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

    app.put<P>('/_fabric/:fabric/kv/:name/truncate', async (req) => {
      const c = coll(req);
      const { groupID } = parse(GroupQuery, req.query, 'query');
      write(() => kv.truncate(c, groupID));
      return ok({ name: c.name });
    });
  };
}
