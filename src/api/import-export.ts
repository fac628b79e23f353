import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError, GdnError } from '../core/errors.js';
import { queryWrites } from '../query/index.js';
import { isKv, wrongModel, type Collection } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { FabricParams, queryCount, queryOrder } from './fields.js';
import { runQuery } from './query-run.js';

/** GDN's most documents one `GET /_api/export/{collection}` answers, and its default. */
export const EXPORT_MAX_LIMIT = 1000;
const EXPORT_DEFAULT_LIMIT = 20;

const CollectionParams = FabricParams.extend({ collection: z.string() });
const ImportBody = z
  .object({
    data: z.array(z.unknown(), { error: "'data' must be an array of documents" }),
    details: z.boolean().nullish(),
    primaryKey: z.string().nullish(),
    replace: z.boolean().nullish(),
  })
  .meta({ example: { data: [{ _key: 'jane', email: 'jane@example.com' }], details: true, replace: false } });
const ExportBody = z
  .object({ query: z.string().min(1, "'query' is required"), bindVars: z.record(z.string(), z.unknown()).nullish() })
  .meta({ example: { query: 'FOR d IN addresses FILTER d.zipcode == @zip RETURN d', bindVars: { zip: '94107' } } });
const ExportQuery = z.object({ offset: queryCount(0), limit: queryCount(EXPORT_DEFAULT_LIMIT), order: queryOrder });

type Doc = Record<string, unknown>;
const isDocument = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The document an import writes: with `primaryKey`, that attribute's value (as a string) becomes
 * `_key` and a `_key` the document had moves to `old_key`, as GDN documents; without it (or with
 * `auto`) a given `_key` must be a string.
 */
function keyed(item: unknown, primaryKey: string | null | undefined): Doc {
  if (!isDocument(item)) throw gdnError('DOCUMENT_TYPE_INVALID', 'expected a document (a JSON object)');
  if (!primaryKey || primaryKey === 'auto') {
    if (item['_key'] !== undefined && typeof item['_key'] !== 'string') throw gdnError('DOCUMENT_KEY_BAD', `_key must be a string without primaryKey, got ${JSON.stringify(item['_key'])}`);
    return item;
  }
  const value = item[primaryKey];
  if (value === undefined || value === null || typeof value === 'object') {
    throw gdnError('DOCUMENT_KEY_BAD', `the primaryKey attribute '${primaryKey}' is ${value === undefined ? 'missing' : 'not a string or number'}`);
  }
  const { _key: oldKey, ...rest } = item;
  return { ...rest, ...(oldKey === undefined ? {} : { old_key: oldKey }), _key: String(value) };
}

/** GDN's import and export (spec/gdn-api.md §1.2 `F/_api/import`, `F/_api/export`), as jsC8's importDocuments and export* call them. */
export function importExportRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const { collections, documents } = ctx.storage;

  const documentCollection = (fabric: string, name: string): Collection => {
    const c = collections.require(fabric, name);
    if (isKv(c)) throw wrongModel(c, 'document');
    return c;
  };

  return async (app) => {
    app.post('/_fabric/:fabric/import/:collection', { schema: { params: CollectionParams, body: ImportBody } }, async (req, reply) => {
      const c = documentCollection(req.gdn.key, req.params.collection);
      const { data, details, primaryKey, replace } = req.body;
      const failures: { at: number; error: GdnError; doc: unknown }[] = [];
      let created = 0;
      ctx.storage.write(() => {
        data.forEach((item, at) => {
          try {
            documents.insert(c, keyed(item, primaryKey), replace ? { overwriteMode: 'replace' } : {});
            created++;
          } catch (e) {
            if (!(e instanceof GdnError)) throw e;
            failures.push({ at, error: e, doc: item });
          }
        });
      });
      await ctx.storage.committed();
      if (failures.length > 0) {
        const counts = new Map<number, number>();
        for (const f of failures) counts.set(f.error.errorNum, (counts.get(f.error.errorNum) ?? 0) + 1);
        reply.header('x-c8-error-codes', [...counts].map(([n, k]) => `${n}:${k}`).join(','));
      }
      const result: Record<string, unknown> = { created, errors: failures.length, unprocessed: 0 };
      // ArangoDB's wording, which C8's import inherits: one line per document that failed.
      if (details) result['details'] = failures.map((f) => `at position ${f.at}: creating document failed with error '${f.error.message}', offending document: ${JSON.stringify(f.doc)}`);
      return { code: 200, error: false, result };
    });

    app.post('/_fabric/:fabric/export', { schema: { params: FabricParams, body: ExportBody } }, async (req) => {
      const { query, bindVars } = req.body;
      if (queryWrites(query)) throw gdnError('BAD_PARAMETER', 'an export query only reads: INSERT, UPDATE, REPLACE, REMOVE and UPSERT are not allowed; run it as a cursor instead (POST /_api/cursor)');
      const r = await runQuery(ctx, req, query, bindVars ?? undefined);
      return { code: 200, error: false, result: r.result };
    });

    app.get('/_fabric/:fabric/export/:collection', { schema: { params: CollectionParams, querystring: ExportQuery } }, async (req) => {
      const c = documentCollection(req.gdn.key, req.params.collection);
      const { offset, limit, order } = req.query;
      if (limit < 1 || limit > EXPORT_MAX_LIMIT) throw gdnError('BAD_PARAMETER', `limit must be 1 to ${EXPORT_MAX_LIMIT}, got ${limit}`);
      const query = `FOR d IN @@collection SORT d._key ${order === 'desc' ? 'DESC' : 'ASC'} LIMIT @offset, @limit RETURN d`;
      const r = await runQuery(ctx, req, query, { '@collection': c.name, offset, limit });
      return { code: 200, error: false, result: r.result };
    });
  };
}
