import { gdnError, GdnError } from '../core/errors.js';
import { formatHlc, type HlcClock } from '../core/hlc.js';
import { jsonProblem } from '../core/json-rules.js';
import { isValidKey } from '../core/names.js';
import type { Db } from './database.js';
import type { ChangeLog, ChangeOp } from './changelog.js';
import { EDGE_COLLECTION, type Collection, type CollectionStore } from './collections.js';
import type { IndexStore } from './indexes.js';
import { expiryColumn } from './expiry-column.js';
import { nextKey } from './keys.js';
import { clockOf, justAfter, newer } from './clocks.js';
import { applyWrite, newestClock, revisionOf, type Meta, type RegisterMerge, type RegisterState, type RegisterWrite } from './registers.js';
import type { WritePath } from './write-path.js';

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

/** Where the document store reports every change a reader can see, inside the write that made it (stream-feed.ts). */
export interface DocumentFeed {
  /** `doc` is the document after the write (for a removal: its key, id and the tombstone's rev). */
  documentWritten(c: Collection, doc: Doc, removed: boolean): void;
}

/** A KV set's result: `oldExpireAt` is the replaced pair's `expireAt` when the caller asked for it. */
export interface PutResult {
  _id: string;
  _key: string;
  _rev: string;
  _oldRev?: string;
  oldExpireAt?: unknown;
}

/** A put's read of the row, as an array (better-sqlite3's raw mode): an object per row costs a property transition per column. */
type PutRow = [rid: number, deleted: number, rev: string, meta: string, expireAt?: unknown];

/** What applying a replicated document change did, for metrics. */
export type ApplyOutcome = 'applied' | 'superseded' | 'discarded';

interface Row {
  rid: number;
  deleted: number;
  rev: string;
  body: string;
  meta: string;
}

/** Attributes the server owns; a client's values for them are ignored (or, for _key, checked). */
const SYSTEM = new Set(['_key', '_id', '_rev']);
const HANDLE = /^[A-Za-z_][A-Za-z0-9_-]{0,63}\/[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$/;

function isPlainObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every writer's input passes core/json-rules.ts, so no writer (REST, C8QL) stores what SQLite's JSON functions cannot read. */
function checkedInput(v: unknown): Doc {
  if (!isPlainObject(v)) throw gdnError('DOCUMENT_TYPE_INVALID');
  const problem = jsonProblem(v);
  if (problem) throw gdnError('DOCUMENT_TYPE_INVALID', `invalid document: ${problem}`);
  return v;
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

function userAttributes(doc: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!SYSTEM.has(k)) out[k] = v;
  return out;
}

/** A document's `ord`: its key in a key-value collection, else the clock of its last insert or replace (see DocumentStore). */
export function orderOf(c: Collection, key: string, clock: string): string {
  return c.props.kv !== undefined ? key : clock;
}

function stateOf(row: Row): RegisterState {
  return { deleted: row.deleted === 1, meta: JSON.parse(row.meta) as Meta, body: userAttributes(JSON.parse(row.body) as Doc) };
}

/**
 * Every document change goes through here (inside storage.write): the REST API, C8QL and
 * replication alike, so keys, revisions, edge checks, the register merge and the change log behave
 * the same whoever writes. Deleted documents stay as tombstones so that an older concurrent write
 * cannot revive them.
 *
 * A collection iterates in `ord` order: the clock of each document's last insert or replace (its
 * `b` register, see registers.ts). That clock is converged state, so every replica iterates in the
 * same order; for local writes it is insertion order. A PATCH keeps the position, a replace moves
 * the document to the end, as a re-insert would.
 *
 * A key-value collection iterates by key instead (`orderOf`), the order GDN lists its keys in, also
 * converged state: a set then leaves the pair where it is in the order index, where moving it cost
 * a random index page per set.
 */
export class DocumentStore {
  private readonly s;

  constructor(
    db: Db,
    private readonly w: WritePath,
    private readonly collections: CollectionStore,
    private readonly log: ChangeLog,
    private readonly clock: HlcClock,
    private readonly origin: string,
    private readonly regionOrdinal: number,
    private readonly indexes: IndexStore,
    private readonly feed: DocumentFeed,
    private readonly merge: RegisterMerge = applyWrite,
  ) {
    this.s = {
      row: db.prepare('SELECT rid, deleted, rev, body, meta FROM documents WHERE cid = ? AND key = ?'),
      live: db.prepare('SELECT rev, body FROM documents WHERE cid = ? AND key = ? AND deleted = 0'),
      putRow: db.prepare('SELECT rid, deleted, rev, meta, expire_at FROM documents WHERE cid = ? AND key = ?').raw(),
      upsert: db.prepare(
        'INSERT INTO documents (cid, key, deleted, rev, body, meta, ord, expire_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (cid, key) DO UPDATE SET deleted = excluded.deleted, rev = excluded.rev, body = excluded.body, meta = excluded.meta, ord = excluded.ord, expire_at = excluded.expire_at',
      ),
      // The row was read in the same savepoint, so its rid stands: no insert attempt, no probe of (cid, key).
      update: db.prepare('UPDATE documents SET deleted = ?, rev = ?, body = ?, meta = ?, ord = ?, expire_at = ? WHERE rid = ?'),
      // A live pair replaced with the same expireAt: SQLite updates only the indexes over the columns
      // an UPDATE sets, so leaving `deleted`, `ord` (its key) and `expire_at` out spares every index.
      replaceLivePair: db.prepare('UPDATE documents SET rev = ?, body = ?, meta = ? WHERE rid = ?'),
      scan: db.prepare('SELECT body FROM documents WHERE cid = ? AND deleted = 0 ORDER BY ord').pluck(),
    };
  }

  /** The stored JSON text, so a GET can answer without parsing and re-serialising. */
  getRaw(c: Collection, key: string): { rev: string; body: string } | undefined {
    return this.s.live.get(c.id, key) as { rev: string; body: string } | undefined;
  }

  get(c: Collection, key: string): Doc | undefined {
    const row = this.getRaw(c, key);
    return row ? (JSON.parse(row.body) as Doc) : undefined;
  }

  *scan(c: Collection): Generator<Doc> {
    for (const body of this.s.scan.iterate(c.id) as Iterable<string>) yield JSON.parse(body) as Doc;
  }

  insert(c: Collection, given: unknown, opts: WriteOptions = {}): WriteResult {
    const input = checkedInput(given);
    return this.w.atomic((): WriteResult => {
      const hlc = this.clock.now();
      let key: string;
      if (input['_key'] !== undefined) {
        if (!c.props.keyOptions.allowUserKeys) throw gdnError('DOCUMENT_KEY_UNEXPECTED');
        if (!isValidKey(input['_key'])) throw gdnError('DOCUMENT_KEY_BAD');
        key = input['_key'];
      } else {
        key = nextKey(c, hlc, this.regionOrdinal, this.collections);
      }
      const row = this.s.row.get(c.id, key) as Row | undefined;
      if (row && row.deleted === 0) {
        const mode = opts.overwriteMode ?? 'conflict';
        if (mode === 'conflict') {
          throw gdnError(
            'UNIQUE_CONSTRAINT_VIOLATED',
            `unique constraint violated - in index primary of type primary over '_key'; conflicting key: ${key}`,
            { _key: key },
          );
        }
        if (mode === 'ignore') return { _id: `${c.name}/${key}`, _key: key, _rev: row.rev };
        if (mode === 'update') return this.update(c, key, input, { ...opts, ifMatch: undefined });
        return this.replace(c, key, input, { ...opts, ifMatch: undefined, ignoreRevs: true });
      }
      const doc = this.write(c, key, row, row ? stateOf(row) : undefined, formatHlc(hlc), 'insert', { kind: 'put', body: userAttributes(input) });
      return { _id: doc['_id'] as string, _key: key, _rev: doc['_rev'] as string, new: doc };
    });
  }

  /**
   * Inserts the pair's attributes under `key` or replaces what is there, revisions ignored: the KV
   * set, in one read of the row (insert with overwriteMode replace reads it twice).
   *
   * The KV store's hot path, so it skips what its one caller already did: `attrs` passed
   * core/json-rules.ts there and holds no system attribute (KvStore.checkPair builds it from
   * checked parts), and it takes no savepoint of its own, since a set is all or none as a whole
   * (its storage.write's savepoint undoes every pair of it when one fails). Call it inside
   * storage.write. The result says the replaced pair's `expireAt`.
   */
  put(c: Collection, key: string, attrs: Doc): PutResult {
    this.w.assertWriting();
    if (!isValidKey(key)) throw gdnError('DOCUMENT_KEY_BAD');
    const row = this.s.putRow.get(c.id, key) as PutRow | undefined;
    const hlc = formatHlc(this.clock.now());
    const clock = clockOf(hlc, this.origin);
    const meta = row ? (JSON.parse(row[3]) as Meta) : undefined;
    const live = row !== undefined && row[1] === 0;
    const op = live ? 'replace' : 'insert';
    // What applyWrite makes of a put whose clock is newer than every register of a row no PATCH
    // touched: the attributes as given under that one clock. Anything else takes the general merge.
    if (this.merge !== applyWrite || c.type === EDGE_COLLECTION || (meta !== undefined && (meta.a !== undefined || !newer(clock, meta.b)))) {
      const full = this.s.row.get(c.id, key) as Row | undefined;
      const prev = full ? stateOf(full) : undefined;
      const doc = this.write(c, key, full, prev, hlc, op, { kind: 'put', body: attrs });
      const r: PutResult = { _id: doc['_id'] as string, _key: key, _rev: doc['_rev'] as string };
      if (live) {
        r._oldRev = row[2];
        r.oldExpireAt = prev?.body['expireAt'];
      }
      return r;
    }
    const id = `${c.name}/${key}`;
    if (this.indexes.hasUnique(c)) this.indexes.checkUnique(c, key, { _key: key, _id: id, ...attrs });
    const attrsJson = JSON.stringify(attrs);
    // JSON.stringify of { _key, _id, _rev, ...attrs }, with the attributes serialised once for the body and the change.
    const body = `{"_key":${JSON.stringify(key)},"_id":${JSON.stringify(id)},"_rev":${JSON.stringify(hlc)}${attrsJson === '{}' ? '}' : `,${attrsJson.slice(1)}`}`;
    const metaJson = JSON.stringify({ b: clock });
    const expireAt = expiryColumn(attrs);
    const ord = orderOf(c, key, clock);
    if (row === undefined) this.s.upsert.run(c.id, key, 0, hlc, body, metaJson, ord, expireAt);
    else if (live && row[4] === expireAt && ord === key) this.s.replaceLivePair.run(hlc, body, metaJson, row[0]);
    else this.s.update.run(0, hlc, body, metaJson, ord, expireAt, row[0]);
    if (c.props.hasStream) this.feed.documentWritten(c, { _key: key, _id: id, _rev: hlc, ...attrs }, false);
    if (!c.isLocal) this.log.append({ origin: this.origin, hlc, op, fabric: c.fabric, collection: c.name, key, payload: attrsJson });
    const r: PutResult = { _id: id, _key: key, _rev: hlc };
    if (live) {
      r._oldRev = row[2];
      r.oldExpireAt = row[4];
    }
    return r;
  }

  replace(c: Collection, key: string, given: unknown, opts: WriteOptions = {}): WriteResult {
    const input = checkedInput(given);
    return this.w.atomic((): WriteResult => {
      const { row, old } = this.requireMatching(c, key, input, opts);
      const doc = this.write(c, key, row, stateOf(row), formatHlc(this.clock.now()), 'replace', { kind: 'put', body: userAttributes(input) });
      return { _id: doc['_id'] as string, _key: key, _rev: doc['_rev'] as string, _oldRev: row.rev, new: doc, old };
    });
  }

  update(c: Collection, key: string, given: unknown, opts: WriteOptions = {}): WriteResult {
    const patch = checkedInput(given);
    const keepNull = opts.keepNull ?? true;
    const mergeObjects = opts.mergeObjects ?? true;
    return this.w.atomic((): WriteResult => {
      const { row, old } = this.requireMatching(c, key, patch, opts);
      // The change carries resulting top-level values, so a replica sets registers, not a diff.
      const set: Doc = {};
      const unset: string[] = [];
      for (const [k, v] of Object.entries(patch)) {
        if (SYSTEM.has(k)) continue;
        if (v === null && !keepNull) unset.push(k);
        else set[k] = mergeValue(old[k], v, keepNull, mergeObjects);
      }
      const doc = this.write(c, key, row, stateOf(row), formatHlc(this.clock.now()), 'update', { kind: 'patch', set, unset });
      return { _id: doc['_id'] as string, _key: key, _rev: doc['_rev'] as string, _oldRev: row.rev, new: doc, old };
    });
  }

  remove(c: Collection, key: string, opts: WriteOptions = {}, body?: unknown): WriteResult {
    return this.w.atomic((): WriteResult => {
      const { row, old } = this.requireMatching(c, key, isPlainObject(body) ? body : {}, opts);
      this.write(c, key, row, stateOf(row), formatHlc(this.clock.now()), 'remove', { kind: 'delete' });
      return { _id: old['_id'] as string, _key: key, _rev: row.rev, old };
    });
  }

  /**
   * Removes a document because the version it holds expired (a KV pair's `expireAt`). Every PoP
   * sweeps its own replica, often before the writes of other regions have arrived, so the removal
   * is stamped right after the version it removes (`justAfter`), not with the sweep's own clock:
   * a write made after that version anywhere (a new pair under the same key, a later `expireAt`)
   * outlives it, and every PoP that expires the same version writes the same state. The change
   * carries the version as its payload so that replicas apply the same stamp.
   */
  expire(c: Collection, key: string): boolean {
    return this.w.atomic((): boolean => {
      const row = this.s.row.get(c.id, key) as Row | undefined;
      if (!row || row.deleted === 1) return false;
      const prev = stateOf(row);
      const version = newestClock(prev.meta);
      const next = this.merge(prev, justAfter(version), { kind: 'delete' });
      if (!next) return false;
      this.store(c, key, row.rid, next, prev);
      if (!c.isLocal) {
        const hlc = formatHlc(this.clock.now());
        this.log.append({ origin: this.origin, hlc, op: 'remove', fabric: c.fabric, collection: c.name, key, payload: JSON.stringify({ expired: version }) });
      }
      return true;
    });
  }

  /** Applies a change replicated from another region (called inside the applier's write). */
  applyRemote(c: Collection, key: string, clock: string, w: RegisterWrite): ApplyOutcome {
    this.w.assertWriting();
    if (newer(c.floor, clock)) return 'discarded';
    const row = this.s.row.get(c.id, key) as Row | undefined;
    const prev = row ? stateOf(row) : undefined;
    const next = this.merge(prev, clock, w);
    const doc = next ? this.store(c, key, row?.rid, next, prev) : undefined;
    // A unique index is only checked at local write time: a replicated write may violate it. Both
    // documents stay stored and visible (spec/replication.md); the apply counts as a conflict.
    if (doc && !next?.deleted && this.indexes.hasUnique(c) && this.indexes.violatesUnique(c, key, doc)) return 'superseded';
    return prev && newer(newestClock(prev.meta), clock) ? 'superseded' : 'applied';
  }

  /** `row` is the document's row as read in this savepoint (undefined: none yet), `prev` its state. */
  private write(c: Collection, key: string, row: Row | undefined, prev: RegisterState | undefined, hlc: string, op: ChangeOp, w: RegisterWrite): Doc {
    // A local write's clock is newer than every register here, so it takes effect unless it
    // touches no register at all (a PATCH with an empty body), which leaves the document as it is.
    const next = this.merge(prev, clockOf(hlc, this.origin), w);
    if (!next) return { _key: key, _id: `${c.name}/${key}`, _rev: revisionOf(prev!.meta), ...prev!.body };
    if (!next.deleted && this.indexes.hasUnique(c)) this.indexes.checkUnique(c, key, { _key: key, _id: `${c.name}/${key}`, ...next.body });
    const doc = this.store(c, key, row?.rid, next, prev);
    if (c.type === EDGE_COLLECTION && !next.deleted) this.checkEdge(doc);
    if (!c.isLocal) {
      const payload = w.kind === 'put' ? JSON.stringify(w.body) : w.kind === 'patch' ? JSON.stringify({ set: w.set, unset: w.unset }) : null;
      this.log.append({ origin: this.origin, hlc, op, fabric: c.fabric, collection: c.name, key, payload });
    }
    return doc;
  }

  /** Stores the state after a write; a change a reader can see (the document written, or removed) goes to the feed. */
  private store(c: Collection, key: string, rid: number | undefined, state: RegisterState, before: RegisterState | undefined): Doc {
    const rev = revisionOf(state.meta);
    const doc: Doc = { _key: key, _id: `${c.name}/${key}`, _rev: rev, ...state.body };
    const deleted = state.deleted ? 1 : 0;
    const expireAt = expiryColumn(state.body);
    const ord = orderOf(c, key, state.meta.b);
    if (rid === undefined) this.s.upsert.run(c.id, key, deleted, rev, JSON.stringify(doc), JSON.stringify(state.meta), ord, expireAt);
    else this.s.update.run(deleted, rev, JSON.stringify(doc), JSON.stringify(state.meta), ord, expireAt, rid);
    if (!state.deleted || (before && !before.deleted)) this.feed.documentWritten(c, doc, state.deleted);
    return doc;
  }

  private requireMatching(c: Collection, key: string, body: Doc, opts: WriteOptions): { row: Row; old: Doc } {
    if (!isValidKey(key)) throw gdnError('DOCUMENT_KEY_BAD');
    const row = this.s.row.get(c.id, key) as Row | undefined;
    if (!row || row.deleted === 1) throw gdnError('DOCUMENT_NOT_FOUND');
    const wanted = opts.ifMatch ?? (opts.ignoreRevs === false ? body['_rev'] : undefined);
    if (wanted !== undefined && wanted !== row.rev) {
      throw new GdnError('PRECONDITION_FAILED', undefined, { _id: `${c.name}/${key}`, _key: key, _rev: row.rev });
    }
    return { row, old: JSON.parse(row.body) as Doc };
  }

  private checkEdge(doc: Doc): void {
    for (const attr of ['_from', '_to']) {
      const v = doc[attr];
      if (typeof v !== 'string' || !HANDLE.test(v)) {
        throw gdnError('INVALID_EDGE_ATTRIBUTE', `edge attribute missing or invalid: ${attr}`);
      }
    }
  }
}
