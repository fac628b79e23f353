import { parseHlc, type HlcClock } from '../core/hlc.js';
import type { Db } from './database.js';
import type { ChangeEntry } from './changelog.js';
import type { CollectionProps, CollectionStore } from './collections.js';
import type { ApplyOutcome, DocumentStore } from './documents.js';
import type { IndexDef, IndexStore } from './indexes.js';
import { clockOf, justAfter } from './clocks.js';
import type { Body, RegisterWrite } from './registers.js';
import type { RestqlStore, SavedQueryInput } from './restql.js';
import { parseRegistryOp, type RegistryStore } from './registry.js';
import type { FabricFloors } from './fabric-floors.js';
import { newer } from './clocks.js';
import type { StreamStore } from './streams.js';
import type { WritePath } from './write-path.js';

export interface ApplyStats {
  applied: number;
  /** Changes that lost (wholly or partly) to a newer register: conflicts resolved by the rules. */
  superseded: number;
  /** Changes to a dropped or truncated collection's older state, or to a local collection here. */
  discarded: number;
  /** Changes already applied before (a resend after reconnect). */
  duplicates: number;
  lastSeq: number;
}

export interface VectorEntry {
  seq: number;
  epoch: string;
  lost: number;
}

/**
 * The part of the origin's log a batch covers, when it carries only some of its entries: from
 * after `after` through `through` (replication protocol v3, a geo-fabric's data only to its regions).
 */
export interface BatchSpan {
  after: number;
  through: number;
}

export class ReplicationGapError extends Error {
  constructor(
    readonly origin: string,
    readonly expected: number,
    readonly got: number,
  ) {
    super(`change ${got} from ${origin} arrived but ${expected} was expected next; refusing to apply out of order`);
  }
}

/**
 * Applies batches of changes shipped by other regions, inside storage.write. Each batch commits
 * together with the version vector entry of its origin, so after a crash a replica resumes exactly
 * after the last change it applied: nothing is lost and nothing is applied twice.
 */
export class Applier {
  private readonly s;

  constructor(
    db: Db,
    private readonly w: WritePath,
    private readonly collections: CollectionStore,
    private readonly documents: DocumentStore,
    private readonly clock: HlcClock,
    private readonly indexes: IndexStore,
    private readonly restql: RestqlStore,
    private readonly registry: RegistryStore,
    private readonly floors: FabricFloors,
    private readonly streams: StreamStore,
  ) {
    this.s = {
      get: db.prepare('SELECT seq, epoch, lost FROM applied WHERE origin = ?'),
      set: db.prepare(
        'INSERT INTO applied (origin, seq, epoch, lost) VALUES (?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET seq = excluded.seq, epoch = excluded.epoch, lost = excluded.lost',
      ),
      all: db.prepare('SELECT origin, seq FROM applied'),
    };
  }

  /** The version vector entry of `origin`: the last change applied, in which epoch of its log. */
  entry(origin: string): VectorEntry {
    return (this.s.get.get(origin) as VectorEntry | undefined) ?? { seq: 0, epoch: '', lost: 0 };
  }

  /** The last change of `origin` applied here, counted in `epoch` (0 for any other epoch). */
  appliedSeq(origin: string, epoch?: string): number {
    const e = this.entry(origin);
    return epoch === undefined || e.epoch === epoch ? e.seq : 0;
  }

  vector(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.s.all.all() as { origin: string; seq: number }[]) out[r.origin] = r.seq;
    return out;
  }

  /**
   * Applies one batch of `origin`'s log in `epoch` (by default the one counted so far). The first
   * batch of a new epoch starts the count over; the changes of the old epoch stay applied and are
   * counted as `lost` (the origin has them no more, so this replica can never again agree with it
   * about them).
   */
  applyBatch(origin: string, entries: readonly ChangeEntry[], epochOfBatch?: string, span?: BatchSpan): ApplyStats {
    return this.w.atomic((): ApplyStats => {
      const before = this.entry(origin);
      const epoch = epochOfBatch ?? before.epoch;
      const lost = before.epoch === epoch ? before.lost : before.lost + before.seq;
      let seq = before.epoch === epoch ? before.seq : 0;
      const stats: ApplyStats = { applied: 0, superseded: 0, discarded: 0, duplicates: 0, lastSeq: seq };
      if (span && span.after > seq) throw new ReplicationGapError(origin, seq + 1, span.after + 1);
      for (const e of entries) {
        if (e.seq <= seq) {
          stats.duplicates++;
          continue;
        }
        const inOrder = span ? e.seq > span.after && e.seq <= span.through : e.seq === seq + 1;
        if (!inOrder || e.origin !== origin) throw new ReplicationGapError(origin, seq + 1, e.seq);
        const hlc = parseHlc(e.hlc);
        if (hlc) this.clock.observe(hlc);
        const outcome = this.applyOne(e);
        stats[outcome === 'applied' ? 'applied' : outcome === 'superseded' ? 'superseded' : 'discarded']++;
        seq = e.seq;
      }
      // Entries the sender kept back (data of a geo-fabric not held here) count as passed.
      if (span && span.through > seq) seq = span.through;
      this.s.set.run(origin, seq, epoch, lost);
      stats.lastSeq = seq;
      return stats;
    });
  }

  private applyOne(e: ChangeEntry): ApplyOutcome {
    const clock = clockOf(e.hlc, e.origin);
    const { fabric, collection: name } = e;
    const payload = e.payload === null ? null : (JSON.parse(e.payload) as unknown);
    const reg = parseRegistryOp(e.op);
    if (reg) {
      if (e.key === null) return 'discarded';
      const write: RegisterWrite =
        reg.verb === 'delete' ? { kind: 'delete' } : reg.verb === 'patch' ? { kind: 'patch', ...(payload as { set: Body; unset: string[] }) } : { kind: 'put', body: payload as Body };
      return this.registry.applyRemote(reg.kind, fabric, e.key, clock, reg.verb, write);
    }
    // The fabric was dropped after this change was made: its data is gone everywhere.
    if (!newer(clock, this.floors.get(fabric))) return 'discarded';
    switch (e.op) {
      case 'collection.create':
        return ddl(this.collections.applyCreate(fabric, name, clock, payload as { type: number; props: CollectionProps }));
      case 'collection.drop':
        return ddl(this.collections.applyDrop(fabric, name, clock));
      case 'collection.truncate':
        return ddl(this.collections.applyTruncate(fabric, name, clock));
      case 'collection.properties':
        return ddl(this.collections.applyProperties(fabric, name, clock, payload as CollectionProps));
      case 'index.create':
        return ddl(this.indexes.applyCreate(fabric, name, clock, payload as IndexDef));
      case 'restql.save':
      case 'restql.delete':
        if (e.key === null) return 'discarded';
        return this.restql.applyRemote(fabric, e.key, clock, e.op === 'restql.save' ? (payload as SavedQueryInput) : null) ? 'applied' : 'superseded';
      case 'index.drop':
        return e.key === null ? 'discarded' : ddl(this.indexes.applyDrop(fabric, name, clock, e.key));
      case 'stream.create':
      case 'stream.drop':
      case 'stream.message':
      case 'stream.ttl':
        return this.streams.applyRemote(e, clock);
      default: {
        const c = this.collections.forReplica(fabric, name);
        if (c.isLocal || e.key === null) return 'discarded';
        if (e.op === 'remove') {
          // An expiry names the version it removed and is stamped right after it (DocumentStore.expire).
          const at = payload === null ? clock : justAfter((payload as { expired: string }).expired);
          return this.documents.applyRemote(c, e.key, at, { kind: 'delete' });
        }
        if (e.op === 'update') {
          const p = payload as { set: Body; unset: string[] };
          return this.documents.applyRemote(c, e.key, clock, { kind: 'patch', set: p.set, unset: p.unset });
        }
        return this.documents.applyRemote(c, e.key, clock, { kind: 'put', body: payload as Body });
      }
    }
  }
}

function ddl(outcome: 'applied' | 'ignored' | 'conflict'): ApplyOutcome {
  return outcome === 'applied' ? 'applied' : outcome === 'ignored' ? 'superseded' : 'discarded';
}
