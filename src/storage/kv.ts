import type { Statement } from 'better-sqlite3';
import type { Clock } from '../core/clock.js';
import { gdnError, GdnError } from '../core/errors.js';
import { jsonProblem, MAX_JSON_DEPTH } from '../core/json-rules.js';
import { isValidKey } from '../core/names.js';
import type { Collection, CollectionStore, KvOptions } from './collections.js';
import type { Db } from './database.js';
import type { Doc, DocumentStore, PutResult, WriteResult } from './documents.js';
import { liveRows } from './json-sql.js';
import { StatementCache } from './statements.js';
import type { WritePath } from './write-path.js';

/** Names of the per-collection expiry indexes (a reset drops them with the user indexes). */
export const EXPIRY_INDEX_PREFIX = 'kvexp_';

/**
 * Key-value collections (spec/gdn-api.md §8). A KV collection is a collection whose props carry
 * `kv`, and a pair is a document `{_key, value, expireAt[, groupID]}` written through the
 * DocumentStore, so pairs take the change log, replication, the register merge, truncate and drop
 * exactly as documents do, and C8QL reads them as documents.
 *
 * Expiry is read-time: in a collection created with expiration on, a pair whose `expireAt` (unix
 * seconds, `<= 0` never) is not after the clock's now is never returned, whether or not a sweep has
 * removed it yet. The sweep (`expired` + DocumentStore.expire) then removes it through the write
 * path, so the removal reaches the change log like any other.
 */
export interface KvPairInput {
  _key: string;
  value: unknown;
  expireAt?: number | undefined;
  groupID?: string | undefined;
}

export interface KvPair {
  _key: string;
  value: unknown;
  expireAt: number;
  groupID?: string;
}

export interface KvListOptions {
  offset: number;
  limit: number;
  order: 'asc' | 'desc';
  groupID?: string | undefined;
}

export interface KvCreateOptions extends KvOptions {
  stream: boolean;
  waitForSync: boolean;
  cacheEnabled: boolean;
}

/** A key-value call on a document collection, or the reverse, names both kinds (400/1218). */
export function wrongModel(c: Collection, wanted: 'kv' | 'document'): GdnError {
  return wanted === 'kv'
    ? gdnError('COLLECTION_TYPE_INVALID', `collection '${c.name}' is a document collection, not a key-value collection; use /_api/document/${c.name}`)
    : gdnError('COLLECTION_TYPE_INVALID', `collection '${c.name}' is a key-value collection; use /_api/kv/${c.name}`);
}

export function isKv(c: Collection): boolean {
  return c.props.kv !== undefined;
}

/** The pair's expireAt as DocumentStore keeps it beside the body (documents.ts expiryColumn): NULL unless a number. */
const EXPIRE_AT = 'expire_at';
/** Written exactly as the expiry index says (expiryIndex), so the sweep uses it. */
const DUE = `${EXPIRE_AT} > 0 AND ${EXPIRE_AT} <= ?`;
/** NOT DUE, with a missing expireAt (NULL in SQL) counting as never. */
const NOT_DUE = `NOT (IFNULL(${EXPIRE_AT}, 0) > 0 AND ${EXPIRE_AT} <= ?)`;
const GROUP = "json_extract(body, '$.groupID') = ?";

export class KvStore {
  private readonly statements: StatementCache;
  private readonly s;

  /** Collections whose expiry index this replica made (a rollback or reset forgets them: reload). */
  private readonly indexed = new Set<number>();

  constructor(
    private readonly db: Db,
    private readonly w: WritePath,
    private readonly collections: CollectionStore,
    private readonly documents: DocumentStore,
    private readonly clock: Clock,
  ) {
    this.statements = new StatementCache(db);
    this.s = {
      get: db.prepare('SELECT rev, body FROM documents WHERE cid = ? AND key = ? AND deleted = 0'),
      getLive: db.prepare(`SELECT rev, body FROM documents WHERE cid = ? AND key = ? AND deleted = 0 AND ${NOT_DUE}`),
    };
  }

  /** Forgets which expiry indexes exist, after a rollback or reset may have removed some. */
  reload(): void {
    this.indexed.clear();
  }

  create(fabric: string, name: unknown, o: KvCreateOptions): Collection {
    const c = this.collections.get(fabric, typeof name === 'string' ? name : '');
    if (c) throw gdnError('DUPLICATE_NAME', `duplicate name: a ${isKv(c) ? 'key-value' : 'document'} collection '${c.name}' exists`);
    return this.collections.create(fabric, { name, stream: o.stream, waitForSync: o.waitForSync, cacheEnabled: o.cacheEnabled }, { expiration: o.expiration, group: o.group });
  }

  /** A live KV collection; a document collection of that name is 400/1218, none at all 404/1203. */
  require(fabric: string, name: string): Collection {
    const c = this.collections.require(fabric, name);
    if (!isKv(c)) throw wrongModel(c, 'kv');
    return c;
  }

  list(fabric: string): Collection[] {
    return this.collections.list(fabric, false).filter(isKv);
  }

  /** Whether pairs of `c` can expire: only with expiration on (GDN ignores `expireAt` otherwise). */
  expires(c: Collection): boolean {
    return c.props.kv?.expiration === true;
  }

  /** Whether a pair read as a document is still there at the clock's now. */
  visible(c: Collection, doc: Doc): boolean {
    return !this.expires(c) || !this.due(doc['expireAt']);
  }

  /** Whether an `expireAt` is due at the clock's now (read as a pair's, in a collection with expiration on). */
  private due(at: unknown): boolean {
    return typeof at === 'number' && at > 0 && at <= this.nowSeconds();
  }

  /** The stored JSON text of a visible pair (GET answers it as is, without re-serialising). */
  getRaw(c: Collection, key: string): { rev: string; body: string } | undefined {
    const row = this.expires(c) ? this.s.getLive.get(c.id, key, this.nowSeconds()) : this.s.get.get(c.id, key);
    return row as { rev: string; body: string } | undefined;
  }

  count(c: Collection, groupID?: string): number {
    const { where, params } = this.filter(c, groupID);
    return this.stmt(`SELECT COUNT(*) FROM documents WHERE ${where}`).pluck().get(...params) as number;
  }

  keys(c: Collection, o: KvListOptions): string[] {
    const { where, params } = this.filter(c, o.groupID);
    const sql = `SELECT key FROM documents WHERE ${where} ORDER BY key ${o.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`;
    return this.stmt(sql).pluck().all(...params, o.limit, o.offset) as string[];
  }

  /** The pairs of `keys` in that order (unknown and expired keys skipped), or a page of all pairs by key. */
  values(c: Collection, keys: readonly string[] | undefined, o: KvListOptions): KvPair[] {
    const { where, params } = this.filter(c, o.groupID);
    let bodies: string[];
    if (keys === undefined) {
      bodies = this.stmt(`SELECT body FROM documents WHERE ${where} ORDER BY key LIMIT ? OFFSET ?`).pluck().all(...params, o.limit, o.offset) as string[];
    } else {
      const one = this.stmt(`SELECT body FROM documents WHERE ${where} AND key = ?`).pluck();
      bodies = keys.flatMap((k) => (one.get(...params, k) as string | undefined) ?? []).slice(o.offset, o.offset + o.limit);
    }
    return bodies.map((b) => pairOf(JSON.parse(b) as Doc));
  }

  /**
   * Inserts or replaces every pair, all or none (call inside storage.write: its savepoint is what
   * undoes the pairs already written when a later one fails). Every pair is checked here, in full,
   * before any is written; DocumentStore.put relies on it and does not check again.
   */
  upsert(c: Collection, pairs: readonly KvPairInput[]): PutResult[] {
    const attrs = pairs.map((p, i) => this.checkPair(c, p, i));
    const expiry = this.expires(c);
    return attrs.map((a, i) => {
      const r = this.documents.put(c, pairs[i]!._key, a);
      // An expired pair still waiting for the sweep was never there for the client.
      return r._oldRev !== undefined && expiry && this.due(r.oldExpireAt) ? { _id: r._id, _key: r._key, _rev: r._rev } : r;
    });
  }

  /** Removes a visible pair; an unknown or expired key is 404/1202 (call inside storage.write). */
  remove(c: Collection, key: string): WriteResult {
    if (!isValidKey(key)) throw gdnError('DOCUMENT_KEY_BAD', `illegal key: '${key}'`);
    if (!this.getRaw(c, key)) throw gdnError('DOCUMENT_NOT_FOUND', `no pair with key '${key}' in '${c.name}'`);
    return this.documents.remove(c, key);
  }

  /** Every pair, or those of one group (call inside storage.write). */
  truncate(c: Collection, groupID?: string): void {
    if (groupID === undefined) {
      this.collections.truncate(c.fabric, c.name);
      return;
    }
    this.checkGroup(c, groupID);
    const keys = this.stmt(`SELECT key FROM documents WHERE cid = ? AND deleted = 0 AND ${GROUP}`).pluck().all(c.id, groupID) as string[];
    for (const k of keys) this.documents.remove(c, k);
  }

  /** The pairs whose `expireAt` is due at `nowMs`, in every KV collection with expiration on (call inside storage.write). */
  expired(nowMs: number): { collection: Collection; key: string }[] {
    const out: { collection: Collection; key: string }[] = [];
    for (const c of this.collections.all()) {
      if (!c.live || !this.expires(c)) continue;
      this.expiryIndex(c);
      for (const key of this.dueStatement(c).all(nowMs / 1000) as string[]) out.push({ collection: c, key });
    }
    return out;
  }

  /** The sweep's query, with the literal cid of the collection's partial index. */
  dueStatement(c: Collection): Statement {
    return this.stmt(`SELECT key FROM documents WHERE ${liveRows(c.id)} AND ${DUE}`).pluck();
  }

  /**
   * A partial index per expiring collection, made when its first sweep runs (on every replica, so
   * a collection created by replication gets one too). Partial, with the collection's literal cid
   * first, so no other document write pays for it.
   */
  private expiryIndex(c: Collection): void {
    if (this.indexed.has(c.id)) return;
    this.w.touchCaches();
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${EXPIRY_INDEX_PREFIX}${Math.trunc(c.id)} ON documents (${EXPIRE_AT}) WHERE ${liveRows(c.id)} AND ${EXPIRE_AT} > 0`);
    this.indexed.add(c.id);
  }

  private nowSeconds(): number {
    return this.clock.now() / 1000;
  }

  private filter(c: Collection, groupID: string | undefined): { where: string; params: unknown[] } {
    let where = 'cid = ? AND deleted = 0';
    const params: unknown[] = [c.id];
    if (groupID !== undefined) {
      this.checkGroup(c, groupID);
      where += ` AND ${GROUP}`;
      params.push(groupID);
    }
    if (this.expires(c)) {
      where += ` AND ${NOT_DUE}`;
      params.push(this.nowSeconds());
    }
    return { where, params };
  }

  private checkGroup(c: Collection, groupID: string): void {
    if (!c.props.kv?.group) throw gdnError('BAD_PARAMETER', `collection '${c.name}' was created without group=true, so its pairs have no groupID`);
    if (groupID === '') throw gdnError('BAD_PARAMETER', 'groupID must not be empty');
  }

  /** The pair's attributes as stored, each checked (the key too, though it is stored apart). */
  private checkPair(c: Collection, p: KvPairInput, i: number): Doc {
    const at = `pair ${i} ('${String(p._key)}')`;
    if (!isValidKey(p._key)) throw gdnError('DOCUMENT_KEY_BAD', `${at}: illegal key; keys are 1-254 characters of letters, digits and _-:.@()+,=;$!*'%`);
    if (p.value === undefined) throw gdnError('BAD_PARAMETER', `${at}: a pair needs a value`);
    // The value sits one level inside the stored pair, whose depth the document rules bound.
    const problem = jsonProblem(p.value, MAX_JSON_DEPTH - 1);
    if (problem) throw gdnError('DOCUMENT_TYPE_INVALID', `${at}: invalid value: ${problem}`);
    const expireAt = p.expireAt ?? -1;
    if (!Number.isSafeInteger(expireAt)) throw gdnError('BAD_PARAMETER', `${at}: expireAt must be an integer (unix seconds; -1 or 0 for never)`);
    const attrs: Doc = { value: p.value, expireAt };
    if (p.groupID !== undefined) {
      this.checkGroup(c, p.groupID);
      attrs['groupID'] = p.groupID;
    }
    return attrs;
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }
}

/** A pair as `values` lists it: no `_id` or `_rev`. */
function pairOf(doc: Doc): KvPair {
  const p: KvPair = { _key: doc['_key'] as string, value: doc['value'], expireAt: doc['expireAt'] as number };
  if (doc['groupID'] !== undefined) p.groupID = doc['groupID'] as string;
  return p;
}
