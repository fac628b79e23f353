// access.js alone: the executor worker needs no JWT library.
import { levelIn, type CollectionLevels } from '../auth/access.js';
import { GdnError } from '../core/errors.js';
import type { QueryDataSource } from '../query/index.js';

/**
 * A data source seen through the caller's access. Every way a query reaches a collection goes
 * through the source (FOR, DOCUMENT(), bind collections, every modification), so checking here
 * covers them all; a writing query runs as one storage write, so a refused write rolls back the
 * query's earlier writes too. The levels are plain data so that the PoP's query executor, another
 * thread, applies the same check to a query it takes over.
 */
export function restrictedSource(inner: QueryDataSource, levels: CollectionLevels): QueryDataSource {
  const readable = (name: string) => levelIn(levels, name) !== 'none';
  const read = (name: string) => {
    if (!readable(name)) throw new GdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`);
  };
  const writable = (name: string) => {
    read(name);
    if (levelIn(levels, name) !== 'rw') throw new GdnError('FORBIDDEN', `read-only access to collection '${name}': the query cannot write to it`);
  };
  const src: QueryDataSource = {
    hasCollection: (name) => readable(name) && inner.hasCollection(name),
    documents: (name) => (read(name), inner.documents(name)),
    getDocument: (name, key) => (read(name), inner.getDocument(name, key)),
    insert: (name, doc, o) => (writable(name), inner.insert(name, doc, o)),
    update: (name, key, patch, o) => (writable(name), inner.update(name, key, patch, o)),
    replace: (name, key, doc, o) => (writable(name), inner.replace(name, key, doc, o)),
    remove: (name, key, o) => (writable(name), inner.remove(name, key, o)),
  };
  const collections = inner.collections;
  if (collections) src.collections = () => collections().filter(readable);
  const indexes = inner.indexes;
  if (indexes) src.indexes = (name) => (read(name), indexes(name));
  const scan = inner.scan;
  if (scan) src.scan = (name, spec) => (read(name), scan(name, spec));
  return src;
}
