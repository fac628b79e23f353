import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError, GdnError } from '../core/errors.js';
import { jsonProblem } from '../core/json-rules.js';
import { isKv, wrongModel } from '../storage/index.js';
import type { ApiContext } from './context.js';
import { FabricParams, queryBool, queryEnum, queryRequired } from './fields.js';
import { answersWith } from './validation.js';

const ImportQuery = z.object({
  collection: answersWith('COLLECTION_PARAMETER_MISSING', queryRequired),
  type: queryEnum(['documents', 'array', 'list', 'auto']),
  details: queryBool(false),
  onDuplicate: queryEnum(['error', 'update', 'replace', 'ignore']),
  overwrite: queryBool(false),
  complete: queryBool(false),
});

/** The documents of a body: JSON Lines (`documents`), one JSON array (`array`, `list`), or whichever it is (`auto`). */
function parseBody(text: string, type: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const asArray = type === 'array' || type === 'list' || (type === 'auto' && trimmed.startsWith('['));
  const parse = (s: string, where: string): unknown => {
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      throw gdnError('CORRUPTED_JSON', `invalid JSON ${where}: ${(e as Error).message}`);
    }
    const problem = jsonProblem(v);
    if (problem) throw gdnError('CORRUPTED_JSON', `invalid JSON ${where}: ${problem}`);
    return v;
  };
  if (asArray) {
    const v = parse(trimmed, 'body');
    if (!Array.isArray(v)) throw gdnError('BAD_PARAMETER', 'expecting a JSON array of documents in the body (type=array)');
    return v;
  }
  return trimmed.split(/\r?\n/).flatMap((line, i) => (line.trim() === '' ? [] : [parse(line, `on line ${i + 1}`)]));
}

/**
 * ArangoDB's bulk import, which jsC8's `collection.import()` calls (`POST F/import?collection=c`,
 * JSON Lines as application/octet-stream): its own raw body parser, since a body of several JSON
 * lines is no one JSON value.
 */
export function importLinesRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const { collections, documents } = ctx.storage;
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post('/_fabric/:fabric/import', { schema: { params: FabricParams, querystring: ImportQuery, body: z.string().optional().meta({ example: '{"_key":"jane"}\n{"_key":"john"}\n' }) } }, async (req) => {
      const q = req.query;
      const c = collections.require(req.gdn.key, q.collection);
      if (isKv(c)) throw wrongModel(c, 'document');
      const items = parseBody(req.body ?? '', q.type ?? 'auto');
      const counts = { created: 0, errors: 0, empty: 0, updated: 0, ignored: 0 };
      const details: string[] = [];
      const mode = q.onDuplicate ?? 'error';
      const run = () =>
        items.forEach((item, at) => {
          if (typeof item !== 'object' || item === null || Array.isArray(item)) {
            counts.errors++;
            details.push(`at position ${at}: invalid JSON type (expecting object), offending document: ${JSON.stringify(item)}`);
            if (q.complete) throw gdnError('DOCUMENT_TYPE_INVALID', details.at(-1));
            return;
          }
          const doc = item as Record<string, unknown>;
          if (Object.keys(doc).length === 0) return void counts.empty++;
          const key = typeof doc['_key'] === 'string' ? doc['_key'] : undefined;
          const exists = key !== undefined && documents.getRaw(c, key) !== undefined;
          try {
            if (exists && mode === 'ignore') return void counts.ignored++;
            if (exists && mode === 'update') documents.update(c, key, doc, {});
            else if (exists && mode === 'replace') documents.replace(c, key, doc, {});
            else documents.insert(c, doc, {});
            if (exists && mode !== 'error') counts.updated++;
            else counts.created++;
          } catch (e) {
            if (!(e instanceof GdnError)) throw e;
            counts.errors++;
            details.push(`at position ${at}: creating document failed with error '${e.message}', offending document: ${JSON.stringify(doc)}`);
            if (q.complete) throw e;
          }
        });
      // complete=true: one failure and nothing of the request is written, as ArangoDB's `complete`.
      ctx.storage.write(() => {
        if (q.overwrite) collections.truncate(req.gdn.key, c.name);
        run();
      });
      await ctx.storage.committed();
      return { error: false, ...counts, ...(q.details ? { details } : {}) };
    });
  };
}
