import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { gdnError, GdnError } from '../core/errors.js';
import { isKv, wrongModel, type Collection, type OverwriteMode, type WriteOptions, type WriteResult } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { boolParam, revHeader, stringParam, type Query } from './params.js';

type Req = FastifyRequest<{ Params: { fabric: string; collection?: string; key?: string }; Querystring: Query; Body: unknown }>;

interface ResponseOptions {
  returnNew: boolean;
  returnOld: boolean;
  silent: boolean;
}

const OVERWRITE_MODES: readonly OverwriteMode[] = ['conflict', 'replace', 'update', 'ignore'];

function responseOptions(q: Query): ResponseOptions {
  return {
    returnNew: boolParam(q, 'returnNew', false),
    returnOld: boolParam(q, 'returnOld', false),
    silent: boolParam(q, 'silent', false),
  };
}

function writeOptions(req: Req): WriteOptions {
  const q = req.query;
  let overwriteMode = stringParam(q, 'overwriteMode') as OverwriteMode | undefined;
  if (overwriteMode !== undefined && !OVERWRITE_MODES.includes(overwriteMode)) {
    throw gdnError('BAD_PARAMETER', `invalid overwriteMode '${overwriteMode}'`);
  }
  if (overwriteMode === undefined && boolParam(q, 'overwrite', false)) overwriteMode = 'replace';
  return {
    ifMatch: revHeader(req.headers['if-match']),
    ignoreRevs: boolParam(q, 'ignoreRevs', true),
    keepNull: boolParam(q, 'keepNull', true),
    mergeObjects: boolParam(q, 'mergeObjects', true),
    overwriteMode,
  };
}

function metadata(r: WriteResult, o: ResponseOptions): Record<string, unknown> {
  if (o.silent) return {};
  const m: Record<string, unknown> = { _id: r._id, _key: r._key, _rev: r._rev };
  if (r._oldRev !== undefined) m['_oldRev'] = r._oldRev;
  if (o.returnNew && r.new) m['new'] = r.new;
  if (o.returnOld && r.old) m['old'] = r.old;
  return m;
}

function errorSlot(e: GdnError): Record<string, unknown> {
  return { error: true, errorNum: e.errorNum, errorMessage: e.message, ...e.extra };
}

/** `X-C8-Error-Codes: 1210:2,1202:1` summarises a batch's failed slots. */
function errorCodesHeader(errors: GdnError[]): string | undefined {
  if (errors.length === 0) return undefined;
  const counts = new Map<number, number>();
  for (const e of errors) counts.set(e.errorNum, (counts.get(e.errorNum) ?? 0) + 1);
  return [...counts].map(([n, c]) => `${n}:${c}`).join(',');
}

/** A batch element to key: a key string, a `collection/key` handle, or an object with `_key`. */
function keyOf(c: Collection, item: unknown): string {
  if (typeof item === 'string') {
    const slash = item.indexOf('/');
    if (slash === -1) return item;
    if (item.slice(0, slash) !== c.name) throw gdnError('DOCUMENT_HANDLE_BAD');
    return item.slice(slash + 1);
  }
  if (typeof item === 'object' && item !== null && typeof (item as { _key?: unknown })._key === 'string') {
    return (item as { _key: string })._key;
  }
  throw gdnError('DOCUMENT_HANDLE_BAD');
}

export function documentRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { collections, documents } = ctx.storage;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);

  const collectionOf = (req: Req): Collection => {
    const name = req.params.collection ?? stringParam(req.query, 'collection');
    if (name === undefined) throw gdnError('COLLECTION_PARAMETER_MISSING');
    const c = collections.require(req.params.fabric, name);
    if (isKv(c)) throw wrongModel(c, 'document');
    return c;
  };

  const status = (req: Req, c: Collection, syncStatus: number, asyncStatus: number) =>
    boolParam(req.query, 'waitForSync', c.props.waitForSync) ? syncStatus : asyncStatus;

  const sendOne = (req: Req, reply: FastifyReply, c: Collection, r: WriteResult, code: number) => {
    reply
      .code(code)
      .header('etag', `"${r._rev}"`)
      .header('location', `/_fabric/${req.params.fabric}/_api/document/${c.name}/${encodeURIComponent(r._key)}`);
    return metadata(r, responseOptions(req.query));
  };

  /** Runs the elements as one write, each in its own savepoint; failed elements become error slots. */
  const batch = (req: Req, reply: FastifyReply, c: Collection, items: unknown[], one: (item: unknown) => WriteResult, codes: [number, number]) => {
    const o = responseOptions(req.query);
    const errors: GdnError[] = [];
    const out = write(() =>
      items.map((item) => {
        try {
          return metadata(one(item), o);
        } catch (e) {
          if (!(e instanceof GdnError)) throw e;
          errors.push(e);
          return errorSlot(e);
        }
      }),
    );
    const header = errorCodesHeader(errors);
    if (header) reply.header('x-c8-error-codes', header);
    reply.code(status(req, c, codes[0], codes[1]));
    return o.silent ? out.filter((x) => 'error' in x) : out;
  };

  const single = (req: Req): { c: Collection; key: string } => ({
    c: collectionOf(req),
    key: req.params.key as string,
  });

  const insert = async (req: Req, reply: FastifyReply) => {
    const c = collectionOf(req);
    const opts = writeOptions(req);
    if (Array.isArray(req.body)) {
      return batch(req, reply, c, req.body, (d) => documents.insert(c, d, opts), [201, 202]);
    }
    const r = write(() => documents.insert(c, req.body, opts));
    return sendOne(req, reply, c, r, status(req, c, 201, 202));
  };

  const withKey = (op: 'replace' | 'update') => async (req: Req, reply: FastifyReply) => {
    const { c, key } = single(req);
    const opts = writeOptions(req);
    const r = write(() => documents[op](c, key, req.body, opts));
    return sendOne(req, reply, c, r, status(req, c, 201, 202));
  };

  const many = (op: 'replace' | 'update') => async (req: Req, reply: FastifyReply) => {
    const c = collectionOf(req);
    if (!Array.isArray(req.body)) throw gdnError('BAD_PARAMETER', 'expecting an array of documents');
    const opts = { ...writeOptions(req), ifMatch: undefined };
    return batch(req, reply, c, req.body, (d) => documents[op](c, keyOf(c, d), d, opts), [201, 202]);
  };

  const read = async (req: Req, reply: FastifyReply) => {
    const { c, key } = single(req);
    const row = documents.getRaw(c, key);
    if (!row) throw gdnError('DOCUMENT_NOT_FOUND');
    reply.header('etag', `"${row.rev}"`);
    const ifNoneMatch = revHeader(req.headers['if-none-match']);
    if (ifNoneMatch !== undefined && ifNoneMatch === row.rev) return reply.code(304).send();
    const ifMatch = revHeader(req.headers['if-match']);
    if (ifMatch !== undefined && ifMatch !== row.rev) {
      throw new GdnError('PRECONDITION_FAILED', undefined, { _id: `${c.name}/${key}`, _key: key, _rev: row.rev });
    }
    if (req.method === 'HEAD') return reply.code(200).send();
    return reply.type('application/json; charset=utf-8').send(row.body);
  };

  return async (app) => {
    app.post('/_fabric/:fabric/document', insert);
    app.post('/_fabric/:fabric/document/:collection', insert);
    // HEAD is registered explicitly so that its errors are status-only, as HTTP requires.
    app.get('/_fabric/:fabric/document/:collection/:key', { exposeHeadRoute: false }, read);
    app.head('/_fabric/:fabric/document/:collection/:key', read);
    app.put('/_fabric/:fabric/document/:collection/:key', withKey('replace'));
    app.patch('/_fabric/:fabric/document/:collection/:key', withKey('update'));
    app.put('/_fabric/:fabric/document/:collection', many('replace'));
    app.patch('/_fabric/:fabric/document/:collection', many('update'));

    app.delete('/_fabric/:fabric/document/:collection/:key', async (req: Req, reply) => {
      const { c, key } = single(req);
      const opts = writeOptions(req);
      const r = write(() => documents.remove(c, key, opts));
      return sendOne(req, reply, c, r, status(req, c, 200, 202));
    });

    app.delete('/_fabric/:fabric/document/:collection', async (req: Req, reply) => {
      const c = collectionOf(req);
      if (!Array.isArray(req.body)) throw gdnError('BAD_PARAMETER', 'expecting an array of keys or documents');
      const opts = { ...writeOptions(req), ifMatch: undefined };
      return batch(req, reply, c, req.body, (item) => documents.remove(c, keyOf(c, item), opts, item), [200, 202]);
    });
  };
}
