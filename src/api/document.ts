import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError, GdnError } from '../core/errors.js';
import { kindOf } from '../core/zod-issues.js';
import { isKv, wrongModel, type Collection, type OverwriteMode, type WriteOptions, type WriteResult } from '../storage/index.js';
import type { RequestScope } from './auth-hook.js';
import type { ApiContext } from './context.js';
import { FabricParams, queryBool, queryEnum, queryRequired, revHeader } from './fields.js';
import { answersWith } from './validation.js';

const OVERWRITE_MODES = ['conflict', 'replace', 'update', 'ignore'] as const satisfies readonly OverwriteMode[];

const CollectionParams = FabricParams.extend({ collection: z.string() });
const KeyParams = CollectionParams.extend({ key: z.string() });

/** Every document write reads the same options (spec/gdn-api.md §5); unknown parameters pass. */
const WriteQuery = z.object({
  returnNew: queryBool(false),
  returnOld: queryBool(false),
  silent: queryBool(false),
  waitForSync: queryBool(),
  overwrite: queryBool(false),
  overwriteMode: queryEnum(OVERWRITE_MODES),
  ignoreRevs: queryBool(true),
  keepNull: queryBool(true),
  mergeObjects: queryBool(true),
});
/** jsC8's edge save names the collection in the query string (`POST F/document?collection=e1`). */
const LegacyWriteQuery = WriteQuery.extend({ collection: answersWith('COLLECTION_PARAMETER_MISSING', queryRequired) });
const RevHeaders = z.object({ 'if-match': revHeader });
const ReadHeaders = RevHeaders.extend({ 'if-none-match': revHeader });

type Doc = Record<string, unknown>;
const isDocument = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const OBJECT = { type: 'object', additionalProperties: true } as const;

/**
 * A document is an object; anything else is 1227, as in ArangoDB, and batches check each element.
 * Documents can be large, so they are checked in place rather than parsed into a copy; `meta`
 * gives the OpenAPI document the shape a custom check cannot state itself.
 */
const DocumentBody = answersWith(
  'DOCUMENT_TYPE_INVALID',
  z.custom<Doc>(isDocument, { error: (iss) => `expected an object, got ${kindOf(iss.input)}` }).meta({ ...OBJECT, description: 'a document' }),
);
const InsertBody = answersWith(
  'DOCUMENT_TYPE_INVALID',
  z
    .custom<Doc | unknown[]>((v) => isDocument(v) || Array.isArray(v), { error: (iss) => `expected an object or an array of them, got ${kindOf(iss.input)}` })
    .meta({ description: 'a document, or an array of documents', anyOf: [OBJECT, { type: 'array', items: OBJECT }] }),
);
const BatchBody = z.array(z.unknown(), { error: 'expecting an array of documents, keys or handles' });

type WriteQuery = z.output<typeof WriteQuery>;

/** What every document write handler reads from its request, whichever route it came by. */
interface WriteRequest<B> {
  params: { fabric: string };
  gdn: RequestScope;
  query: WriteQuery;
  headers: { 'if-match'?: string | undefined };
  body: B;
}

interface ResponseOptions {
  returnNew: boolean;
  returnOld: boolean;
  silent: boolean;
}

function writeOptions(req: WriteRequest<unknown>): WriteOptions {
  const q = req.query;
  return {
    ifMatch: req.headers['if-match'],
    ignoreRevs: q.ignoreRevs,
    keepNull: q.keepNull,
    mergeObjects: q.mergeObjects,
    overwriteMode: q.overwriteMode ?? (q.overwrite ? 'replace' : undefined),
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

export function documentRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const { collections, documents } = ctx.storage;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);

  /** A document or edge collection; a key-value one has its own API. */
  const collectionOf = (fabric: string, name: string): Collection => {
    const c = collections.require(fabric, name);
    if (isKv(c)) throw wrongModel(c, 'document');
    return c;
  };

  const status = (req: WriteRequest<unknown>, c: Collection, syncStatus: number, asyncStatus: number) =>
    (req.query.waitForSync ?? c.props.waitForSync) ? syncStatus : asyncStatus;

  const sendOne = (req: WriteRequest<unknown>, reply: FastifyReply, c: Collection, r: WriteResult, code: number) => {
    reply
      .code(code)
      .header('etag', `"${r._rev}"`)
      .header('location', `/_fabric/${req.gdn.fabric}/_api/document/${c.name}/${encodeURIComponent(r._key)}`);
    return metadata(r, req.query);
  };

  /** Runs the elements as one write, each in its own savepoint; failed elements become error slots. */
  const batch = (req: WriteRequest<unknown>, reply: FastifyReply, c: Collection, items: unknown[], one: (item: unknown) => WriteResult, codes: [number, number]) => {
    const o: ResponseOptions = req.query;
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

  const insert = (req: WriteRequest<z.output<typeof InsertBody>>, reply: FastifyReply, name: string) => {
    const c = collectionOf(req.gdn.key, name);
    const opts = writeOptions(req);
    const body = req.body;
    if (Array.isArray(body)) {
      return batch(req, reply, c, body, (d) => documents.insert(c, d, opts), [201, 202]);
    }
    const r = write(() => documents.insert(c, body, opts));
    return sendOne(req, reply, c, r, status(req, c, 201, 202));
  };

  const one = (op: 'replace' | 'update') => async (req: WriteRequest<z.output<typeof DocumentBody>> & { params: z.output<typeof KeyParams> }, reply: FastifyReply) => {
    const c = collectionOf(req.gdn.key, req.params.collection);
    const opts = writeOptions(req);
    const r = write(() => documents[op](c, req.params.key, req.body, opts));
    return sendOne(req, reply, c, r, status(req, c, 201, 202));
  };

  const many = (op: 'replace' | 'update') => async (req: WriteRequest<unknown[]> & { params: z.output<typeof CollectionParams> }, reply: FastifyReply) => {
    const c = collectionOf(req.gdn.key, req.params.collection);
    const opts = { ...writeOptions(req), ifMatch: undefined };
    return batch(req, reply, c, req.body, (d) => documents[op](c, keyOf(c, d), d, opts), [201, 202]);
  };

  // Not async, and returns nothing: a handler that returns the reply (a thenable), async or not,
  // makes Fastify wait on it, which costs a stream listener per request on the hottest path.
  const read = (req: { params: z.output<typeof KeyParams>; headers: z.output<typeof ReadHeaders>; method: string; gdn: RequestScope }, reply: FastifyReply) => {
    const c = collectionOf(req.gdn.key, req.params.collection);
    const key = req.params.key;
    const row = documents.getRaw(c, key);
    if (!row) throw gdnError('DOCUMENT_NOT_FOUND');
    reply.header('etag', `"${row.rev}"`);
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined && ifNoneMatch === row.rev) {
      reply.code(304).send();
      return;
    }
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== row.rev) {
      throw new GdnError('PRECONDITION_FAILED', undefined, { _id: `${c.name}/${key}`, _key: key, _rev: row.rev });
    }
    if (req.method === 'HEAD') reply.code(200).send();
    else reply.type('application/json; charset=utf-8').send(row.body);
  };

  const writeParts = { querystring: WriteQuery, headers: RevHeaders };
  return async (app) => {
    app.post('/_fabric/:fabric/document', { schema: { params: FabricParams, querystring: LegacyWriteQuery, headers: RevHeaders, body: InsertBody } }, (req, reply) =>
      insert(req, reply, req.query.collection),
    );
    app.post('/_fabric/:fabric/document/:collection', { schema: { params: CollectionParams, ...writeParts, body: InsertBody } }, (req, reply) =>
      insert(req, reply, req.params.collection),
    );
    // HEAD is registered explicitly so that its errors are status-only, as HTTP requires.
    const readSchema = { params: KeyParams, headers: ReadHeaders };
    app.get('/_fabric/:fabric/document/:collection/:key', { exposeHeadRoute: false, schema: readSchema }, read);
    app.head('/_fabric/:fabric/document/:collection/:key', { schema: readSchema }, read);
    app.put('/_fabric/:fabric/document/:collection/:key', { schema: { params: KeyParams, ...writeParts, body: DocumentBody } }, one('replace'));
    app.patch('/_fabric/:fabric/document/:collection/:key', { schema: { params: KeyParams, ...writeParts, body: DocumentBody } }, one('update'));
    app.put('/_fabric/:fabric/document/:collection', { schema: { params: CollectionParams, ...writeParts, body: BatchBody } }, many('replace'));
    app.patch('/_fabric/:fabric/document/:collection', { schema: { params: CollectionParams, ...writeParts, body: BatchBody } }, many('update'));

    app.delete('/_fabric/:fabric/document/:collection/:key', { schema: { params: KeyParams, ...writeParts } }, async (req, reply) => {
      const c = collectionOf(req.gdn.key, req.params.collection);
      const r = write(() => documents.remove(c, req.params.key, writeOptions(req)));
      return sendOne(req, reply, c, r, status(req, c, 200, 202));
    });

    app.delete('/_fabric/:fabric/document/:collection', { schema: { params: CollectionParams, ...writeParts, body: BatchBody } }, async (req, reply) => {
      const c = collectionOf(req.gdn.key, req.params.collection);
      const opts = { ...writeOptions(req), ifMatch: undefined };
      return batch(req, reply, c, req.body, (item) => documents.remove(c, keyOf(c, item), opts, item), [200, 202]);
    });
  };
}
