import type { Collection } from './collections.js';
import type { Db } from './database.js';
import type { Doc, DocumentFeed } from './documents.js';
import type { StreamStore } from './streams.js';

function encode(body: Doc): string {
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

/**
 * Collection change streams (spec/gdn-api.md §9.4): a collection with `hasStream` publishes every
 * committed change on its topic, the JSON of the document after the write as base64, with
 * `_delete: true` for a removal. Local and replicated writes, REST, C8QL, ttl expiry and truncates
 * all go through the document store or the purge, so all are reported; each message is written in
 * the same write as its change, so it commits (and is delivered) with it, in commit order.
 */
export class CollectionFeed implements DocumentFeed {
  private readonly liveRevs;

  constructor(
    db: Db,
    private readonly streams: StreamStore,
  ) {
    this.liveRevs = db.prepare('SELECT key, rev FROM documents WHERE cid = ? AND deleted = 0 ORDER BY ord');
  }

  documentWritten(c: Collection, doc: Doc, removed: boolean): void {
    if (!c.props.hasStream) return;
    const body = removed ? { _key: doc['_key'], _id: doc['_id'], _rev: doc['_rev'], _delete: true } : doc;
    this.streams.publish(this.streams.collectionStream(c.fabric, c.name), { payload: encode(body), key: String(doc['_key']) });
  }

  /** A drop takes the change stream with it; a truncate reports every document it removed. */
  purging(c: Collection, dropping: boolean): (() => void) | undefined {
    if (dropping) return () => this.streams.dropCollectionStream(c.fabric, c.name);
    if (!c.props.hasStream) return undefined;
    const before = this.liveRevs.all(c.id) as { key: string; rev: string }[];
    return () => {
      const after = new Set((this.liveRevs.all(c.id) as { key: string }[]).map((r) => r.key));
      for (const { key, rev } of before) {
        if (!after.has(key)) this.documentWritten(c, { _key: key, _id: `${c.name}/${key}`, _rev: rev }, true);
      }
    };
  }
}
