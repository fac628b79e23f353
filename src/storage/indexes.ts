import type { Statement } from 'better-sqlite3';
import { gdnError, type GdnError } from '../core/errors.js';
import { formatHlc, type HlcClock } from '../core/hlc.js';
import { generatedKey } from '../core/ids.js';
import type { ChangeLog } from './changelog.js';
import type { Collection, CollectionStore, DdlOutcome } from './collections.js';
import type { Db } from './database.js';
import { StatementCache } from './statements.js';
import { hasSqlIndex, parseIndexInput, sameIndex, type IndexDef, type IndexInput } from './index-def.js';
import { extractExpr, fieldPath, jsonPath, liveRows, typeExpr } from './json-sql.js';
import { clockOf, newer } from './clocks.js';
import type { WritePath } from './write-path.js';

export * from './index-def.js';

interface Entry {
  seq: number;
  cid: number;
  live: boolean;
  clock: string;
  def: IndexDef;
}

interface Row {
  seq: number;
  cid: number;
  name: string;
  live: number;
  clock: string;
  def: string;
}

type Doc = Record<string, unknown>;

function isObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value an index sees at `field` (`a.b`); a missing attribute is null, as in AQL. */
export function valueAt(doc: Doc, field: string): unknown {
  let cur: unknown = doc;
  for (const p of fieldPath(field)) cur = isObject(cur) && Object.hasOwn(cur, p) ? cur[p] : null;
  return cur ?? null;
}

/** A text equal for two values exactly when the index considers them equal (object key order aside). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** 1210, naming the document that already holds the value, as ArangoDB does: in the message and as `_key`. */
function violation(def: IndexDef, existingKey: string): GdnError {
  return gdnError(
    'UNIQUE_CONSTRAINT_VIOLATED',
    `unique constraint violated - in index ${def.name} of type ${def.type} over '${def.fields.join(', ')}'; conflicting key: ${existingKey}`,
    { _key: existingKey },
  );
}

/**
 * User index definitions of every collection, cached in memory (each document write consults the
 * unique ones). Each definition is a last-writer-wins register keyed by (collection, name), so
 * index DDL replicates like collection DDL; a drop leaves a tombstone row carrying its clock, and
 * a collection drop voids every definition older than it.
 */
export class IndexStore {
  private readonly entries = new Map<number, Map<string, Entry>>();
  private readonly statements: StatementCache;
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly w: WritePath,
    private readonly collections: CollectionStore,
    private readonly log: ChangeLog,
    private readonly clock: HlcClock,
    private readonly origin: string,
    private readonly regionOrdinal: number,
  ) {
    this.statements = new StatementCache(db);
    this.s = {
      all: db.prepare('SELECT * FROM indexes ORDER BY seq'),
      kill: db.prepare('UPDATE indexes SET live = 0 WHERE seq = ?'),
      upsert: db.prepare(
        'INSERT INTO indexes (cid, name, live, clock, def) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (cid, name) DO UPDATE SET live = excluded.live, clock = excluded.clock, def = excluded.def RETURNING seq',
      ),
    };
    this.reload();
    collections.listen({ dropped: (c) => this.voidBefore(c) });
  }

  /**
   * Re-reads every definition, e.g. after a reset wiped the table underneath. `tune` false leaves
   * the planner statistics alone (they live in the database file, which another connection that
   * changed the indexes has tuned already).
   */
  reload(tune = true): void {
    if (tune) this.tunePlanner();
    this.entries.clear();
    for (const r of this.s.all.all() as Row[]) {
      this.remember({ seq: r.seq, cid: r.cid, live: r.live === 1, clock: r.clock, def: JSON.parse(r.def) as IndexDef });
    }
  }

  private remember(e: Entry): void {
    let m = this.entries.get(e.cid);
    if (!m) this.entries.set(e.cid, (m = new Map()));
    m.set(e.def.name, e);
  }

  private valid(c: Collection, e: Entry): boolean {
    return e.live && newer(e.clock, c.dropped);
  }

  /** The live user indexes of a collection, in creation order here. */
  list(c: Collection): IndexDef[] {
    return [...(this.entries.get(c.id)?.values() ?? [])]
      .filter((e) => this.valid(c, e))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.def);
  }

  /** By numeric id or by name. */
  find(c: Collection, idOrName: string): IndexDef | undefined {
    return this.list(c).find((d) => d.id === idOrName || d.name === idOrName);
  }

  ensure(c: Collection, input: IndexInput): { def: IndexDef; created: boolean } {
    const hlc = this.clock.now();
    const def = parseIndexInput(input, generatedKey(hlc, this.regionOrdinal));
    const existing = this.list(c);
    const same = existing.find((d) => sameIndex(d, def) && (input['name'] === undefined || d.name === def.name));
    if (same) return { def: same, created: false };
    if (existing.some((d) => d.name === def.name)) throw gdnError('DUPLICATE_NAME', `duplicate value: an index named '${def.name}' exists`);
    if (def.type === 'ttl' && existing.some((d) => d.type === 'ttl')) {
      throw gdnError('BAD_PARAMETER', 'there can only be one ttl index per collection');
    }
    const stamp = formatHlc(hlc);
    this.w.atomic(() => {
      if (def.unique) this.checkExisting(c, def);
      this.put(c.id, def, true, clockOf(stamp, this.origin));
      if (!c.isLocal) this.append(c, stamp, 'index.create', def.name, JSON.stringify(def));
    });
    return { def, created: true };
  }

  drop(c: Collection, idOrName: string): IndexDef {
    const def = this.find(c, idOrName);
    if (!def) throw gdnError('INDEX_NOT_FOUND');
    const stamp = formatHlc(this.clock.now());
    this.w.atomic(() => {
      this.put(c.id, def, false, clockOf(stamp, this.origin));
      if (!c.isLocal) this.append(c, stamp, 'index.drop', def.name, null);
    });
    return def;
  }

  // ---- replicated changes (called inside the applier's transaction) ----

  applyCreate(fabric: string, collection: string, clock: string, def: IndexDef): DdlOutcome {
    const c = this.collections.forReplica(fabric, collection);
    if (c.isLocal) return 'conflict';
    const prev = this.entries.get(c.id)?.get(def.name);
    if (!newer(clock, c.dropped) || (prev && !newer(clock, prev.clock))) return 'ignored';
    this.put(c.id, def, true, clock);
    return 'applied';
  }

  applyDrop(fabric: string, collection: string, clock: string, name: string): DdlOutcome {
    const c = this.collections.forReplica(fabric, collection);
    if (c.isLocal) return 'conflict';
    const prev = this.entries.get(c.id)?.get(name);
    if (prev && !newer(clock, prev.clock)) return 'ignored';
    // A drop that overtakes its create still leaves a tombstone, so the create loses when it comes.
    this.put(c.id, prev?.def ?? { id: '', name, type: 'persistent', fields: [], unique: false, sparse: false, deduplicate: false }, false, clock);
    return 'applied';
  }

  // ---- unique constraints ----

  /** Throws 1210 if a local write would give `doc` the same unique-index values as another document. */
  /** Whether `c` has a unique index, so a write must build the document checkUnique compares (writes skip it otherwise). */
  hasUnique(c: Collection): boolean {
    const e = this.entries.get(c.id);
    return e !== undefined && e.size > 0 && this.list(c).some((def) => def.unique);
  }

  checkUnique(c: Collection, key: string, doc: Doc): void {
    for (const def of this.list(c)) {
      if (!def.unique) continue;
      const other = this.conflicting(c, def, key, doc);
      if (other !== undefined) throw violation(def, other);
    }
  }

  /** Whether a replicated write left `doc` sharing unique-index values with another document. */
  violatesUnique(c: Collection, key: string, doc: Doc): boolean {
    return this.list(c).some((def) => def.unique && this.conflicting(c, def, key, doc) !== undefined);
  }

  private conflicting(c: Collection, def: IndexDef, key: string, doc: Doc): string | undefined {
    const values = def.fields.map((f) => valueAt(doc, f));
    if (def.sparse && values.some((v) => v === null)) return undefined;
    const first = values[0];
    const path = jsonPath(fieldPath(def.fields[0] as string)) as string;
    let cond: string;
    const params: unknown[] = [];
    if (first === null) cond = `${extractExpr(path)} IS NULL`;
    else if (Array.isArray(first) || isObject(first)) cond = `${typeExpr(path)} = '${Array.isArray(first) ? 'array' : 'object'}'`;
    else {
      cond = `${extractExpr(path)} = ?`;
      params.push(typeof first === 'boolean' ? Number(first) : first);
    }
    const sql = `SELECT key, body FROM documents WHERE ${liveRows(c.id)} AND key != ? AND ${cond}`;
    const want = values.map(canonical).join('\u0000');
    for (const row of this.stmt(sql).all(key, ...params) as { key: string; body: string }[]) {
      const other = JSON.parse(row.body) as Doc;
      if (def.fields.map((f) => canonical(valueAt(other, f))).join('\u0000') === want) return row.key;
    }
    return undefined;
  }

  /** A unique index cannot be created over documents that already violate it. */
  private checkExisting(c: Collection, def: IndexDef): void {
    const seen = new Map<string, string>();
    const rows = this.stmt(`SELECT key, body FROM documents WHERE ${liveRows(c.id)} ORDER BY ord`).iterate() as Iterable<{ key: string; body: string }>;
    for (const row of rows) {
      const values = def.fields.map((f) => valueAt(JSON.parse(row.body) as Doc, f));
      if (def.sparse && values.some((v) => v === null)) continue;
      const k = values.map(canonical).join('\u0000');
      const other = seen.get(k);
      if (other !== undefined) throw violation(def, other);
      seen.set(k, row.key);
    }
  }

  // ---- ttl ----

  /** Documents whose ttl index field (unix seconds or an ISO date) plus expireAfter is before `nowMs`. */
  expired(nowMs: number): { collection: Collection; key: string }[] {
    const out: { collection: Collection; key: string }[] = [];
    for (const [cid, m] of this.entries) {
      const c = this.collections.byId(cid);
      if (!c?.live) continue;
      for (const e of m.values()) {
        if (e.def.type !== 'ttl' || !this.valid(c, e)) continue;
        const path = jsonPath(fieldPath(e.def.fields[0] as string)) as string;
        const je = extractExpr(path);
        const jt = typeExpr(path);
        // A text that is not a date must not expire: unixepoch() would read '12345' as a Julian day.
        const sql = `SELECT key FROM documents WHERE ${liveRows(cid)} AND ((${jt} IN ('integer', 'real') AND ${je} < ?) ` +
          `OR (${jt} = 'text' AND ${je} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND unixepoch(${je}, 'subsec') < ?))`;
        const cutoff = nowMs / 1000 - (e.def.expireAfter ?? 0);
        for (const key of this.stmt(sql).pluck().all(cutoff, cutoff) as string[]) out.push({ collection: c, key });
      }
    }
    return out;
  }

  // ---- internals ----

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  private put(cid: number, def: IndexDef, live: boolean, clock: string): void {
    this.w.touchCaches();
    const prev = this.entries.get(cid)?.get(def.name);
    const { seq } = this.s.upsert.get(cid, def.name, live ? 1 : 0, clock, JSON.stringify(def)) as { seq: number };
    const sqlName = `docidx_${seq}`;
    const changed = !prev || !prev.live || !live || JSON.stringify(prev.def) !== JSON.stringify(def);
    if (changed) {
      this.db.exec(`DROP INDEX IF EXISTS ${sqlName}`);
      if (live && hasSqlIndex(def)) {
        const exprs = def.fields.map((f) => extractExpr(jsonPath(fieldPath(f)) as string)).join(', ');
        this.db.exec(`CREATE INDEX ${sqlName} ON documents (${exprs}) WHERE ${liveRows(cid)}`);
      }
      this.tunePlanner();
    }
    this.remember({ seq, cid, live, clock, def });
  }

  /**
   * Without statistics SQLite guesses that `cid = ?` on documents_order matches 10 rows and so
   * prefers it to a range over an attribute index. All collections share one table, so a cid
   * matches far more rows than that: fixed statistics (collections large, attribute indexes
   * selective) make the planner take the attribute index. Real ANALYZE statistics would go stale
   * as collections grow; these describe the shape, not the data, and never do.
   */
  private tunePlanner(): void {
    this.db.exec('ANALYZE sqlite_schema');
    const names = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' AND name LIKE 'docidx%'").pluck().all() as string[];
    const rows: [string, string][] = [['documents_order', '1000000 100000 1'], ['sqlite_autoindex_documents_1', '1000000 100000 1']];
    for (const n of names) {
      const columns = (this.db.pragma(`index_info(${n})`) as unknown[]).length;
      rows.push([n, `1000000 2${' 1'.repeat(Math.max(0, columns - 1))}`]);
    }
    this.db.prepare("DELETE FROM sqlite_stat1 WHERE tbl = 'documents'").run();
    const insert = this.db.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('documents', ?, ?)");
    for (const [idx, stat] of rows) insert.run(idx, stat);
    this.db.exec('ANALYZE sqlite_schema');
  }

  /** A collection drop voids its older definitions; their SQLite indexes go too. */
  private voidBefore(c: Collection): void {
    this.w.touchCaches();
    for (const e of this.entries.get(c.id)?.values() ?? []) {
      if (!e.live || newer(e.clock, c.dropped)) continue;
      this.db.exec(`DROP INDEX IF EXISTS docidx_${e.seq}`);
      this.s.kill.run(e.seq);
      e.live = false;
    }
  }

  private append(c: Collection, hlc: string, op: 'index.create' | 'index.drop', name: string, payload: string | null): void {
    this.log.append({ origin: this.origin, hlc, op, fabric: c.fabric, collection: c.name, key: name, payload });
  }
}
