import { GdnError } from '../../core/errors.js';
import type { Document, IndexInfo, QueryDataSource } from '../datasource.js';
import type { FnContext } from './context.js';

/** The functions that read a collection through one of its indexes (FULLTEXT, NEAR, WITHIN). */
export function indexedCollection(ctx: FnContext, coll: string, wanted: (i: IndexInfo) => boolean, missing: () => GdnError): { source: QueryDataSource; index: IndexInfo } {
  const source = ctx.source;
  if (!source?.hasCollection(coll)) throw new GdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${coll}`);
  const index = source.indexes?.(coll).find(wanted);
  if (!index) throw missing();
  return { source, index };
}

/** `doc.a.b` for the index field "a.b"; undefined where a step is not an object. */
export function attributeAt(doc: Document, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

export function argumentMismatch(name: string): GdnError {
  return new GdnError('QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH', `invalid argument type in call to function '${name}()'`);
}
