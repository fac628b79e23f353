import { gdnError, GdnError } from '../core/errors.js';
import { formatHlc, type HlcClock } from '../core/hlc.js';
import { isValidKey } from '../core/names.js';
import type { Db } from './database.js';
import type { ChangeLog, ChangeOp } from './changelog.js';
import { EDGE_COLLECTION, type Collection, type CollectionStore } from './collections.js';
import { nextKey } from './keys.js';

export type Doc = Record<string, unknown>;
export type OverwriteMode = 'conflict' | 'replace' | 'update' | 'ignore';

export interface WriteOptions {
  /** The `If-Match` revision, or a `_rev` to honour when ignoreRevs is false. */
  ifMatch?: string | undefined;
  ignoreRevs?: boolean | undefined;
  keepNull?: boolean | undefined;
  mergeObjects?: boolean | undefined;
  overwriteMode?: OverwriteMode | undefined;
}

export interface WriteResult {
  _id: string;
  _key: string;
  _rev: string;
  _oldRev?: string;
  new?: Doc;
  old?: Doc;
}

interface Row {
  rev: string;
  body: string;
}

/** Attributes the server owns; a client's values for them are ignored (or, for _key, checked). */
const SYSTEM = new Set(['_key', '_id', '_rev']);
const HANDLE = /^[A-Za-z_][A-Za-z0-9_-]{0,63}\/[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$/;

function isPlainObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withoutNulls(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const out: Doc = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}

/** PATCH semantics of GDN/ArangoDB: keepNull=false removes nulls, mergeObjects merges sub-objects. */
function mergeValue(old: unknown, patch: unknown, keepNull: boolean, mergeObjects: boolean): unknown {
  if (mergeObjects && isPlainObject(old) && isPlainObject(patch)) {
    const out: Doc = { ...old };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null && !keepNull) delete out[k];
      else out[k] = mergeValue(out[k], v, keepNull, mergeObjects);
    }
    return out;
  }
  return keepNull ? patch : withoutNulls(patch);
}

/**
 * The single write path for documents: the REST API and C8QL both come through here, so keys,
 * revisions, edge checks and the change log behave the same whoever writes.
 */
export class DocumentStore {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly collections: CollectionStore,
    private readonly log: ChangeLog,
    private readonly clock: HlcClock,
    private readonly origin: string,
    private readonly regionOrdinal: number,
  ) {
    this.s = {
      get: db.prepare('SELECT rev, body FROM documents WHERE cid = ? AND key = ?'),
      insert: db.prepare('INSERT INTO documents (cid, key, rev, body) VALUES (?, ?, ?, ?)'),
      update: db.prepare('UPDATE documents SET rev = ?, body = ? WHERE cid = ? AND key = ?'),
      remove: db.prepare('DELETE FROM documents WHERE cid = ? AND key = ?'),
      scan: db.prepare('SELECT body FROM documents WHERE cid = ? ORDER BY rid').pluck(),
    };
  }

  /** The stored JSON text, so a GET can answer without parsing and re-serialising. */
  getRaw(c: Collection, key: string): Row | undefined {
    return this.s.get.get(c.id, key) as Row | undefined;
  }

  get(c: Collection, key: string): Doc | undefined {
    const row = this.getRaw(c, key);
    return row ? (JSON.parse(row.body) as Doc) : undefined;
  }

  *scan(c: Collection): Generator<Doc> {
    for (const body of this.s.scan.iterate(c.id) as Iterable<string>) yield JSON.parse(body) as Doc;
  }

  insert(c: Collection, input: unknown, opts: WriteOptions = {}): WriteResult {
    if (!isPlainObject(input)) throw gdnError('DOCUMENT_TYPE_INVALID');
    return this.db.transaction((): WriteResult => {
      let key: string;
      const hlc = this.clock.now();
      if (input['_key'] !== undefined) {
        if (!c.props.keyOptions.allowUserKeys) throw gdnError('DOCUMENT_KEY_UNEXPECTED');
        if (!isValidKey(input['_key'])) throw gdnError('DOCUMENT_KEY_BAD');
        key = input['_key'];
      } else {
        key = nextKey(c, hlc, this.regionOrdinal, this.collections);
      }
      const existing = this.getRaw(c, key);
      if (existing) {
        const mode = opts.overwriteMode ?? 'conflict';
        if (mode === 'conflict') {
          throw gdnError(
            'UNIQUE_CONSTRAINT_VIOLATED',
            `unique constraint violated - in index primary of type primary over '_key'; conflicting key: ${key}`,
            { _key: key },
          );
        }
        if (mode === 'ignore') return { _id: `${c.name}/${key}`, _key: key, _rev: existing.rev };
        if (mode === 'update') return this.update(c, key, input, { ...opts, ifMatch: undefined });
        return this.replace(c, key, input, { ...opts, ifMatch: undefined, ignoreRevs: true });
      }
      const rev = formatHlc(hlc);
      const doc = this.compose(c, key, rev, input);
      const body = JSON.stringify(doc);
      this.s.insert.run(c.id, key, rev, body);
      this.record(c, 'insert', rev, key, body);
      return { _id: doc['_id'] as string, _key: key, _rev: rev, new: doc };
    })();
  }

  replace(c: Collection, key: string, input: unknown, opts: WriteOptions = {}): WriteResult {
    if (!isPlainObject(input)) throw gdnError('DOCUMENT_TYPE_INVALID');
    return this.db.transaction((): WriteResult => {
      const old = this.requireMatching(c, key, input, opts);
      const rev = formatHlc(this.clock.now());
      const doc = this.compose(c, key, rev, input);
      const body = JSON.stringify(doc);
      this.s.update.run(rev, body, c.id, key);
      this.record(c, 'replace', rev, key, body);
      return { _id: doc['_id'] as string, _key: key, _rev: rev, _oldRev: old['_rev'] as string, new: doc, old };
    })();
  }

  update(c: Collection, key: string, patch: unknown, opts: WriteOptions = {}): WriteResult {
    if (!isPlainObject(patch)) throw gdnError('DOCUMENT_TYPE_INVALID');
    const keepNull = opts.keepNull ?? true;
    const mergeObjects = opts.mergeObjects ?? true;
    return this.db.transaction((): WriteResult => {
      const old = this.requireMatching(c, key, patch, opts);
      const rev = formatHlc(this.clock.now());
      const doc: Doc = { ...old, _rev: rev };
      // The change carries the resulting top-level values, so a replica applies registers, not a diff.
      const set: Doc = {};
      const unset: string[] = [];
      for (const [k, v] of Object.entries(patch)) {
        if (SYSTEM.has(k)) continue;
        if (v === null && !keepNull) {
          delete doc[k];
          unset.push(k);
        } else {
          doc[k] = mergeValue(old[k], v, keepNull, mergeObjects);
          set[k] = doc[k];
        }
      }
      if (c.type === EDGE_COLLECTION) this.checkEdge(doc);
      const body = JSON.stringify(doc);
      this.s.update.run(rev, body, c.id, key);
      this.record(c, 'update', rev, key, JSON.stringify({ set, unset }));
      return { _id: doc['_id'] as string, _key: key, _rev: rev, _oldRev: old['_rev'] as string, new: doc, old };
    })();
  }

  remove(c: Collection, key: string, opts: WriteOptions = {}, body?: unknown): WriteResult {
    return this.db.transaction((): WriteResult => {
      const old = this.requireMatching(c, key, isPlainObject(body) ? body : {}, opts);
      this.s.remove.run(c.id, key);
      const rev = formatHlc(this.clock.now());
      this.record(c, 'remove', rev, key, null);
      return { _id: old['_id'] as string, _key: key, _rev: old['_rev'] as string, old };
    })();
  }

  /** Runs `fn` in one transaction: a request's writes commit together with their log entries. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private requireMatching(c: Collection, key: string, body: Doc, opts: WriteOptions): Doc {
    if (!isValidKey(key)) throw gdnError('DOCUMENT_KEY_BAD');
    const row = this.getRaw(c, key);
    if (!row) throw gdnError('DOCUMENT_NOT_FOUND');
    const wanted = opts.ifMatch ?? (opts.ignoreRevs === false ? body['_rev'] : undefined);
    if (wanted !== undefined && wanted !== row.rev) {
      throw new GdnError('PRECONDITION_FAILED', undefined, {
        _id: `${c.name}/${key}`,
        _key: key,
        _rev: row.rev,
      });
    }
    return JSON.parse(row.body) as Doc;
  }

  private compose(c: Collection, key: string, rev: string, input: Doc): Doc {
    const doc: Doc = { _key: key, _id: `${c.name}/${key}`, _rev: rev };
    for (const [k, v] of Object.entries(input)) if (!SYSTEM.has(k)) doc[k] = v;
    if (c.type === EDGE_COLLECTION) this.checkEdge(doc);
    return doc;
  }

  private checkEdge(doc: Doc): void {
    for (const attr of ['_from', '_to']) {
      const v = doc[attr];
      if (typeof v !== 'string' || !HANDLE.test(v)) {
        throw gdnError('INVALID_EDGE_ATTRIBUTE', `edge attribute missing or invalid: ${attr}`);
      }
    }
  }

  private record(c: Collection, op: ChangeOp, rev: string, key: string, payload: string | null): void {
    if (c.isLocal) return;
    this.log.append({ origin: this.origin, hlc: rev, op, fabric: c.fabric, collection: c.name, key, payload });
  }
}
