import { formatHlc, type HlcClock } from '../core/hlc.js';
import type { ChangeLog, ChangeOp } from './changelog.js';
import { clockOf } from './clocks.js';
import type { Db } from './database.js';
import { applyWrite, type Body, type Meta, type RegisterState, type RegisterWrite } from './registers.js';
import type { WritePath } from './write-path.js';

/**
 * What a tenant is made of besides its data: users, API keys, access grants and geo-fabrics. They
 * replicate to every PoP, whatever a fabric's dcList, so a key made at one region works at every
 * other once the change has arrived. Each record is a document of last-writer-wins registers
 * (registers.ts): concurrent edits of different fields at two regions both survive, a delete wins
 * over older edits, and every replica converges whatever the delivery order.
 *
 * Records are few (people and keys, not data), so all of them are kept in memory: authentication
 * reads them on every request.
 */
export type RegistryKind = 'user' | 'apikey' | 'grant' | 'fabric';
export const REGISTRY_KINDS: readonly RegistryKind[] = ['user', 'apikey', 'grant', 'fabric'];

export type RegistryVerb = 'put' | 'patch' | 'delete';

export interface RegistryEntry {
  kind: RegistryKind;
  tenant: string;
  id: string;
  state: RegisterState;
}

/** What a write did: applied (it won at least one register) or superseded (everything here is newer). */
export type RegistryOutcome = 'applied' | 'superseded';

interface Row {
  kind: RegistryKind;
  tenant: string;
  id: string;
  deleted: number;
  body: string;
  meta: string;
}

const cacheKey = (kind: string, tenant: string, id: string) => `${kind}\u0000${tenant}\u0000${id}`;

export function registryOp(kind: RegistryKind, verb: RegistryVerb): ChangeOp {
  return `${kind}.${verb}` as ChangeOp;
}

/** The kind and verb of a registry change op, or undefined for a data op. */
export function parseRegistryOp(op: string): { kind: RegistryKind; verb: RegistryVerb } | undefined {
  const dot = op.indexOf('.');
  const kind = op.slice(0, dot) as RegistryKind;
  const verb = op.slice(dot + 1) as RegistryVerb;
  if (!REGISTRY_KINDS.includes(kind) || (verb !== 'put' && verb !== 'patch' && verb !== 'delete')) return undefined;
  return { kind, verb };
}

export class RegistryStore {
  private readonly cache = new Map<string, RegistryEntry>();
  private readonly s;
  private readonly listeners = new Set<(e: RegistryEntry, clock: string, verb: RegistryVerb) => void>();
  /** Bumped by every change (and reload): caches derived from records compare it. */
  version = 0;

  constructor(
    db: Db,
    private readonly w: WritePath,
    private readonly log: ChangeLog,
    private readonly clock: HlcClock,
    private readonly origin: string,
  ) {
    this.s = {
      all: db.prepare('SELECT * FROM registry'),
      put: db.prepare(
        'INSERT INTO registry (kind, tenant, id, deleted, body, meta) VALUES (?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (kind, tenant, id) DO UPDATE SET deleted = excluded.deleted, body = excluded.body, meta = excluded.meta',
      ),
    };
    this.reload();
  }

  reload(): void {
    this.cache.clear();
    for (const r of this.s.all.all() as Row[]) {
      this.cache.set(cacheKey(r.kind, r.tenant, r.id), {
        kind: r.kind,
        tenant: r.tenant,
        id: r.id,
        state: { deleted: r.deleted === 1, body: JSON.parse(r.body) as Body, meta: JSON.parse(r.meta) as Meta },
      });
    }
    this.version++;
  }

  /** Told of every write that changed a record, local or replicated, inside its transaction. */
  onWrite(listener: (e: RegistryEntry, clock: string, verb: RegistryVerb) => void): void {
    this.listeners.add(listener);
  }

  /** The stored record, deleted or not: a tombstone still says the record was written here. */
  entry(kind: RegistryKind, tenant: string, id: string): RegistryEntry | undefined {
    return this.cache.get(cacheKey(kind, tenant, id));
  }

  /** The body of a live record. */
  get(kind: RegistryKind, tenant: string, id: string): Body | undefined {
    const e = this.entry(kind, tenant, id);
    return e && !e.state.deleted ? e.state.body : undefined;
  }

  /** Every stored record of a kind in a tenant, tombstones included, in id order. */
  entries(kind: RegistryKind, tenant: string): RegistryEntry[] {
    const out: RegistryEntry[] = [];
    for (const e of this.cache.values()) if (e.kind === kind && e.tenant === tenant) out.push(e);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  put(kind: RegistryKind, tenant: string, id: string, body: Body): void {
    this.local(kind, tenant, id, 'put', { kind: 'put', body }, JSON.stringify(body));
  }

  patch(kind: RegistryKind, tenant: string, id: string, set: Body, unset: readonly string[] = []): void {
    this.local(kind, tenant, id, 'patch', { kind: 'patch', set, unset }, JSON.stringify({ set, unset }));
  }

  remove(kind: RegistryKind, tenant: string, id: string): void {
    this.local(kind, tenant, id, 'delete', { kind: 'delete' }, null);
  }

  /** A replicated change, inside the applier's transaction. */
  applyRemote(kind: RegistryKind, tenant: string, id: string, clock: string, verb: RegistryVerb, write: RegisterWrite): RegistryOutcome {
    this.w.assertWriting();
    return this.apply(kind, tenant, id, clock, verb, write) ? 'applied' : 'superseded';
  }

  private local(kind: RegistryKind, tenant: string, id: string, verb: RegistryVerb, write: RegisterWrite, payload: string | null): void {
    const hlc = formatHlc(this.clock.now());
    this.w.atomic(() => {
      this.apply(kind, tenant, id, clockOf(hlc, this.origin), verb, write);
      this.log.append({ origin: this.origin, hlc, op: registryOp(kind, verb), fabric: tenant, collection: '', key: id, payload });
    });
  }

  private apply(kind: RegistryKind, tenant: string, id: string, clock: string, verb: RegistryVerb, write: RegisterWrite): boolean {
    const k = cacheKey(kind, tenant, id);
    const prev = this.cache.get(k);
    const next = applyWrite(prev?.state, clock, write);
    // A delete always tells the listeners, even when newer writes keep the record: what it drops
    // (a fabric's data older than it) is gone whatever came after.
    if (!next) {
      if (verb === 'delete' && prev) for (const l of this.listeners) l(prev, clock, verb);
      return false;
    }
    this.w.touchCaches();
    this.s.put.run(kind, tenant, id, next.deleted ? 1 : 0, JSON.stringify(next.body), JSON.stringify(next.meta));
    const e: RegistryEntry = { kind, tenant, id, state: next };
    this.cache.set(k, e);
    this.version++;
    for (const l of this.listeners) l(e, clock, verb);
    return true;
  }
}
