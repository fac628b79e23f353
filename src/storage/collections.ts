import { gdnError } from '../core/errors.js';
import { assertCollectionName } from '../core/names.js';
import { formatHlc, type HlcClock } from '../core/hlc.js';
import type { Db } from './database.js';
import type { ChangeLog } from './changelog.js';

export const DOCUMENT_COLLECTION = 2;
export const EDGE_COLLECTION = 3;

export type KeyGeneratorType = 'traditional' | 'autoincrement' | 'padded' | 'uuid';

export interface KeyOptions {
  type: KeyGeneratorType;
  allowUserKeys: boolean;
  increment: number;
  offset: number;
  lastValue: number;
}

export interface CollectionProps {
  waitForSync: boolean;
  hasStream: boolean;
  cacheEnabled: boolean;
  isSystem: boolean;
  strongConsistency: boolean;
  keyOptions: KeyOptions;
}

export interface Collection {
  id: number;
  fabric: string;
  name: string;
  type: number;
  isLocal: boolean;
  props: CollectionProps;
}

export interface CreateCollectionInput {
  name: unknown;
  type?: unknown;
  isLocal?: unknown;
  isSystem?: unknown;
  stream?: unknown;
  hasStream?: unknown;
  waitForSync?: unknown;
  cacheEnabled?: unknown;
  strongConsistency?: unknown;
  keyOptions?: unknown;
}

interface Row {
  id: number;
  fabric: string;
  name: string;
  type: number;
  is_local: number;
  props: string;
}

const KEY_TYPES: readonly KeyGeneratorType[] = ['traditional', 'autoincrement', 'padded', 'uuid'];

function bool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  throw gdnError('BAD_PARAMETER', `'${field}' must be a boolean`);
}

function parseKeyOptions(raw: unknown): KeyOptions {
  const o = (raw ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) throw gdnError('BAD_PARAMETER', "'keyOptions' must be an object");
  const type = (o['type'] ?? 'traditional') as KeyGeneratorType;
  if (!KEY_TYPES.includes(type)) throw gdnError('BAD_PARAMETER', `invalid key generator type '${String(type)}'`);
  const num = (v: unknown, field: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw gdnError('BAD_PARAMETER', `'keyOptions.${field}' must be a non-negative integer`);
    }
    return v;
  };
  return {
    type,
    allowUserKeys: bool(o['allowUserKeys'], 'keyOptions.allowUserKeys', true),
    increment: Math.max(1, num(o['increment'], 'increment', 1)),
    offset: num(o['offset'], 'offset', 0),
    lastValue: 0,
  };
}

/** Collection metadata, cached in memory because every document request resolves one. */
export class CollectionStore {
  private readonly cache = new Map<string, Collection>();
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly log: ChangeLog,
    private readonly clock: HlcClock,
    private readonly origin: string,
  ) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO collections (fabric, name, type, is_local, props, rev) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      all: db.prepare('SELECT * FROM collections ORDER BY id'),
      drop: db.prepare('DELETE FROM collections WHERE id = ?'),
      dropDocs: db.prepare('DELETE FROM documents WHERE cid = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM documents WHERE cid = ?'),
      props: db.prepare('UPDATE collections SET props = ? WHERE id = ?'),
    };
    for (const row of this.stmts.all.all() as Row[]) this.remember(row);
  }

  private remember(row: Row): Collection {
    const c: Collection = {
      id: row.id,
      fabric: row.fabric,
      name: row.name,
      type: row.type,
      isLocal: row.is_local === 1,
      props: JSON.parse(row.props) as CollectionProps,
    };
    this.cache.set(`${c.fabric}/${c.name}`, c);
    return c;
  }

  get(fabric: string, name: string): Collection | undefined {
    return this.cache.get(`${fabric}/${name}`);
  }

  require(fabric: string, name: string): Collection {
    const c = this.get(fabric, name);
    if (!c) throw gdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`);
    return c;
  }

  list(fabric: string, excludeSystem: boolean): Collection[] {
    return [...this.cache.values()]
      .filter((c) => c.fabric === fabric && !(excludeSystem && c.props.isSystem))
      .sort((a, b) => a.id - b.id);
  }

  create(fabric: string, input: CreateCollectionInput): Collection {
    const isSystem = bool(input.isSystem, 'isSystem', false);
    const name = assertCollectionName(input.name, isSystem);
    const type = input.type ?? DOCUMENT_COLLECTION;
    if (type !== DOCUMENT_COLLECTION && type !== EDGE_COLLECTION) {
      throw gdnError('BAD_PARAMETER', "'type' must be 2 (document) or 3 (edge)");
    }
    const props: CollectionProps = {
      waitForSync: bool(input.waitForSync, 'waitForSync', false),
      hasStream: bool(input.stream ?? input.hasStream, 'stream', false),
      cacheEnabled: bool(input.cacheEnabled, 'cacheEnabled', false),
      isSystem,
      strongConsistency: bool(input.strongConsistency, 'strongConsistency', false),
      keyOptions: parseKeyOptions(input.keyOptions),
    };
    const isLocal = bool(input.isLocal, 'isLocal', false);
    if (this.get(fabric, name)) throw gdnError('DUPLICATE_NAME', `duplicate name: ${name}`);
    const hlc = formatHlc(this.clock.now());
    return this.db.transaction(() => {
      const info = this.stmts.insert.run(fabric, name, type, isLocal ? 1 : 0, JSON.stringify(props), hlc);
      if (!isLocal) {
        this.log.append({
          origin: this.origin,
          hlc,
          op: 'collection.create',
          fabric,
          collection: name,
          key: null,
          payload: JSON.stringify({ type, props }),
        });
      }
      return this.remember({
        id: Number(info.lastInsertRowid),
        fabric,
        name,
        type,
        is_local: isLocal ? 1 : 0,
        props: JSON.stringify(props),
      });
    })();
  }

  drop(fabric: string, name: string): Collection {
    const c = this.require(fabric, name);
    this.db.transaction(() => {
      this.stmts.dropDocs.run(c.id);
      this.stmts.drop.run(c.id);
      this.logDdl(c, 'collection.drop', null);
    })();
    this.cache.delete(`${fabric}/${name}`);
    return c;
  }

  truncate(fabric: string, name: string): Collection {
    const c = this.require(fabric, name);
    this.db.transaction(() => {
      this.stmts.dropDocs.run(c.id);
      this.logDdl(c, 'collection.truncate', null);
    })();
    return c;
  }

  count(c: Collection): number {
    return (this.stmts.count.get(c.id) as { n: number }).n;
  }

  updateProperties(fabric: string, name: string, patch: Record<string, unknown>): Collection {
    const c = this.require(fabric, name);
    const props: CollectionProps = {
      ...c.props,
      waitForSync: bool(patch['waitForSync'], 'waitForSync', c.props.waitForSync),
      hasStream: bool(patch['hasStream'], 'hasStream', c.props.hasStream),
      cacheEnabled: bool(patch['cacheEnabled'], 'cacheEnabled', c.props.cacheEnabled),
    };
    this.saveProps(c, props, true);
    return c;
  }

  /** Persists props; `replicate` is false for the key generator's counter, which is per region. */
  saveProps(c: Collection, props: CollectionProps, replicate: boolean): void {
    this.db.transaction(() => {
      this.stmts.props.run(JSON.stringify(props), c.id);
      if (replicate) this.logDdl(c, 'collection.properties', JSON.stringify(props));
    })();
    c.props = props;
  }

  private logDdl(c: Collection, op: 'collection.drop' | 'collection.truncate' | 'collection.properties', payload: string | null): void {
    if (c.isLocal) return;
    this.log.append({
      origin: this.origin,
      hlc: formatHlc(this.clock.now()),
      op,
      fabric: c.fabric,
      collection: c.name,
      key: null,
      payload,
    });
  }
}
