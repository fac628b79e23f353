import { gdnError } from '../core/errors.js';
import { assertCollectionName } from '../core/names.js';
import { formatHlc, type HlcClock } from '../core/hlc.js';
import type { Db } from './database.js';
import type { ChangeLog } from './changelog.js';
import { purgeBelow } from './purge.js';
import { clockOf, newer } from './clocks.js';
import type { WritePath } from './write-path.js';
import { DEFAULT_PROPS, parseCreateInput, DOCUMENT_COLLECTION, type CollectionProps, type CreateCollectionInput, type KvOptions } from './collection-props.js';

export * from './collection-props.js';

export interface Collection {
  id: number;
  fabric: string;
  name: string;
  type: number;
  isLocal: boolean;
  /** false once dropped; the row stays so the drop's clock can win over older writes. */
  live: boolean;
  /** Clock of the existence register (last create or drop); '' when never created here. */
  clock: string;
  /** Newest drop or truncate: document changes older than this are void. */
  floor: string;
  /** Newest drop alone: index definitions older than this are void. */
  dropped: string;
  props: CollectionProps;
  propsClock: string;
}

interface Row {
  id: number;
  fabric: string;
  name: string;
  type: number;
  is_local: number;
  live: number;
  clock: string;
  floor: string;
  dropped: string;
  props: string;
  props_clock: string;
}

/** Told of the drops and truncates of collections (other stores keep state per collection). */
export interface CollectionListener {
  /** Before a drop or truncate purges the documents of `c`; what it returns runs after the purge. */
  purging?(c: Collection, dropping: boolean): (() => void) | undefined;
  /** After a drop (its documents are purged by then). */
  dropped?(c: Collection): void;
}

/** What applying a replicated collection change did, for metrics. */
export type DdlOutcome = 'applied' | 'ignored' | 'conflict';

/** Collection metadata, cached in memory because every document request resolves one. */
export class CollectionStore {
  private readonly cache = new Map<string, Collection>();
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly w: WritePath,
    private readonly log: ChangeLog,
    private readonly clock: HlcClock,
    private readonly origin: string,
  ) {
    this.s = {
      insert: db.prepare(
        'INSERT INTO collections (fabric, name, type, is_local, live, clock, floor, dropped, props, props_clock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      save: db.prepare(
        'UPDATE collections SET type = ?, is_local = ?, live = ?, clock = ?, floor = ?, dropped = ?, props = ?, props_clock = ? WHERE id = ?',
      ),
      byName: db.prepare('SELECT * FROM collections WHERE fabric = ? AND name = ?'),
      all: db.prepare('SELECT * FROM collections ORDER BY id'),
      count: db.prepare('SELECT COUNT(*) AS n FROM documents WHERE cid = ? AND deleted = 0'),
      props: db.prepare('UPDATE collections SET props = ? WHERE id = ?'),
    };
    this.reload();
  }

  /** Re-reads every row, e.g. after a reset wiped the tables underneath. */
  reload(): void {
    this.cache.clear();
    for (const row of this.s.all.all() as Row[]) this.remember(row);
  }

  private remember(row: Row): Collection {
    const c: Collection = {
      id: row.id,
      fabric: row.fabric,
      name: row.name,
      type: row.type,
      isLocal: row.is_local === 1,
      live: row.live === 1,
      clock: row.clock,
      floor: row.floor,
      dropped: row.dropped,
      props: JSON.parse(row.props) as CollectionProps,
      propsClock: row.props_clock,
    };
    this.cache.set(`${c.fabric}/${c.name}`, c);
    return c;
  }

  private persist(c: Collection): void {
    this.w.touchCaches();
    this.s.save.run(c.type, c.isLocal ? 1 : 0, c.live ? 1 : 0, c.clock, c.floor, c.dropped, JSON.stringify(c.props), c.propsClock, c.id);
  }

  private insertRow(fabric: string, name: string, init: Omit<Collection, 'id' | 'fabric' | 'name'>): Collection {
    this.w.touchCaches();
    this.s.insert.run(fabric, name, init.type, init.isLocal ? 1 : 0, init.live ? 1 : 0, init.clock, init.floor, init.dropped, JSON.stringify(init.props), init.propsClock);
    return this.remember(this.s.byName.get(fabric, name) as Row);
  }

  /** A live collection, or undefined. */
  get(fabric: string, name: string): Collection | undefined {
    const c = this.cache.get(`${fabric}/${name}`);
    return c?.live ? c : undefined;
  }

  /** By row id, live or not (index definitions refer to collections by id). */
  byId(id: number): Collection | undefined {
    for (const c of this.cache.values()) if (c.id === id) return c;
    return undefined;
  }

  /** Every collection this replica knows, live or not. */
  all(): Collection[] {
    return [...this.cache.values()];
  }

  require(fabric: string, name: string): Collection {
    const c = this.get(fabric, name);
    if (!c) throw gdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`);
    return c;
  }

  list(fabric: string, excludeSystem: boolean): Collection[] {
    return [...this.cache.values()]
      .filter((c) => c.live && c.fabric === fabric && !(excludeSystem && c.props.isSystem))
      .sort((a, b) => a.id - b.id);
  }

  count(c: Collection): number {
    return (this.s.count.get(c.id) as { n: number }).n;
  }

  /** A document or edge collection; with `kv`, a key-value one (always global, see kv.ts). */
  create(fabric: string, input: CreateCollectionInput, kv?: KvOptions): Collection {
    const parsed = parseCreateInput(input, assertCollectionName);
    const { name, type } = parsed;
    const isLocal = kv ? false : parsed.isLocal;
    const props = kv ? { ...parsed.props, kv } : parsed.props;
    if (this.get(fabric, name)) throw gdnError('DUPLICATE_NAME', `duplicate name: ${name}`);
    const hlc = formatHlc(this.clock.now());
    const clock = clockOf(hlc, this.origin);
    return this.w.atomic(() => {
      const prev = this.cache.get(`${fabric}/${name}`);
      let c: Collection;
      if (prev) {
        Object.assign(prev, { type, isLocal, live: true, clock, props, propsClock: clock });
        this.persist(prev);
        c = prev;
      } else {
        c = this.insertRow(fabric, name, { type, isLocal, live: true, clock, floor: '', dropped: '', props, propsClock: clock });
      }
      if (!isLocal) this.append(c, hlc, 'collection.create', JSON.stringify({ type, props }));
      return c;
    });
  }

  drop(fabric: string, name: string): Collection {
    const c = this.require(fabric, name);
    const hlc = formatHlc(this.clock.now());
    this.w.atomic(() => {
      this.applyDropAt(c, clockOf(hlc, this.origin));
      if (!c.isLocal) this.append(c, hlc, 'collection.drop', null);
    });
    return c;
  }

  truncate(fabric: string, name: string): Collection {
    const c = this.require(fabric, name);
    const hlc = formatHlc(this.clock.now());
    this.w.atomic(() => {
      this.applyFloor(c, clockOf(hlc, this.origin));
      if (!c.isLocal) this.append(c, hlc, 'collection.truncate', null);
    });
    return c;
  }

  updateProperties(fabric: string, name: string, patch: Record<string, unknown>): Collection {
    const c = this.require(fabric, name);
    const bool = (k: string, cur: boolean) => {
      const v = patch[k];
      if (v === undefined || v === null) return cur;
      if (typeof v !== 'boolean') throw gdnError('BAD_PARAMETER', `'${k}' must be a boolean`);
      return v;
    };
    const props: CollectionProps = {
      ...c.props,
      waitForSync: bool('waitForSync', c.props.waitForSync),
      hasStream: bool('hasStream', c.props.hasStream),
      cacheEnabled: bool('cacheEnabled', c.props.cacheEnabled),
    };
    const hlc = formatHlc(this.clock.now());
    this.w.atomic(() => {
      c.props = props;
      c.propsClock = clockOf(hlc, this.origin);
      this.persist(c);
      if (!c.isLocal) this.append(c, hlc, 'collection.properties', JSON.stringify(props));
    });
    return c;
  }

  /** The key generator's counter: per region, never replicated. */
  saveKeyCounter(c: Collection, lastValue: number): void {
    this.w.touchCaches();
    c.props = { ...c.props, keyOptions: { ...c.props.keyOptions, lastValue } };
    this.s.props.run(JSON.stringify(c.props), c.id);
  }

  // ---- replicated changes (called inside the applier's transaction) ----

  /** The collection a replicated document change belongs to, created hidden if unknown here. */
  forReplica(fabric: string, name: string): Collection {
    return (
      this.cache.get(`${fabric}/${name}`) ??
      this.insertRow(fabric, name, { type: DOCUMENT_COLLECTION, isLocal: false, live: false, clock: '', floor: '', dropped: '', props: DEFAULT_PROPS, propsClock: '' })
    );
  }

  applyCreate(fabric: string, name: string, clock: string, payload: { type: number; props: CollectionProps }): DdlOutcome {
    const c = this.forReplica(fabric, name);
    if (c.isLocal) return 'conflict';
    if (!newer(clock, c.clock)) return 'ignored';
    c.live = true;
    c.clock = clock;
    if (newer(clock, c.propsClock)) {
      c.type = payload.type;
      c.props = { ...payload.props, keyOptions: { ...payload.props.keyOptions, lastValue: c.props.keyOptions.lastValue } };
      c.propsClock = clock;
    }
    this.persist(c);
    return 'applied';
  }

  applyDrop(fabric: string, name: string, clock: string): DdlOutcome {
    const c = this.forReplica(fabric, name);
    if (c.isLocal) return 'conflict';
    this.applyDropAt(c, clock);
    return 'applied';
  }

  applyTruncate(fabric: string, name: string, clock: string): DdlOutcome {
    const c = this.forReplica(fabric, name);
    if (c.isLocal) return 'conflict';
    this.applyFloor(c, clock);
    return 'applied';
  }

  applyProperties(fabric: string, name: string, clock: string, props: CollectionProps): DdlOutcome {
    const c = this.forReplica(fabric, name);
    if (c.isLocal) return 'conflict';
    if (!newer(clock, c.propsClock)) return 'ignored';
    c.props = { ...props, keyOptions: { ...props.keyOptions, lastValue: c.props.keyOptions.lastValue } };
    c.propsClock = clock;
    this.persist(c);
    return 'applied';
  }

  /** A geo-fabric dropped at `clock`: each of its collections is dropped at that clock too. */
  dropFabric(fabric: string, clock: string): void {
    for (const c of [...this.cache.values()]) if (c.fabric === fabric) this.applyDropAt(c, clock);
  }

  private readonly listeners: CollectionListener[] = [];

  /** Told of every drop and truncate, local or replicated, inside its transaction. */
  listen(l: CollectionListener): void {
    this.listeners.push(l);
  }

  /** A drop is a truncate plus the existence register going false, if it is the newer write. */
  private applyDropAt(c: Collection, clock: string): void {
    if (newer(clock, c.clock)) {
      c.live = false;
      c.clock = clock;
    }
    if (newer(clock, c.dropped)) c.dropped = clock;
    this.applyFloor(c, clock, true);
    for (const l of this.listeners) l.dropped?.(c);
  }

  private applyFloor(c: Collection, clock: string, dropping = false): void {
    if (newer(clock, c.floor)) c.floor = clock;
    this.persist(c);
    const after = this.listeners.map((l) => l.purging?.(c, dropping));
    purgeBelow(this.db, c.id, clock);
    for (const done of after) done?.();
  }

  private append(c: Collection, hlc: string, op: 'collection.create' | 'collection.drop' | 'collection.truncate' | 'collection.properties', payload: string | null): void {
    this.log.append({ origin: this.origin, hlc, op, fabric: c.fabric, collection: c.name, key: null, payload });
  }
}
