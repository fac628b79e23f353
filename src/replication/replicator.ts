import type { Clock } from '../core/clock.js';
import { createRng } from '../core/rng.js';
import type { ApplyStats, Storage } from '../storage/index.js';
import { linkProfile, type Topology } from '../topology/index.js';
import { shipsTo } from './geo-filter.js';
import type { LinkSettings } from './link-settings.js';
import { randomNonce } from './handshake.js';
import { IncomingConnection, IncomingState, type IncomingCounters, type ReceiverOptions } from './receiver.js';
import { OutgoingLink, type OutgoingStatus } from './sender.js';
import type { Transport } from './transport.js';

export interface IncomingStatus {
  from: string;
  connected: boolean;
  applied: number;
  pendingFrames: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagSamples: number;
  lagSumMs: number;
  /** Cumulative counts per LAG_BUCKETS_MS upper bound, for Prometheus. */
  lagBuckets: number[];
  counters: IncomingCounters;
  /** Changes of an earlier epoch of the origin's log still applied here: gone at the origin itself. */
  lost: number;
}

export interface ReplicationStatus {
  region: string;
  lastSeq: number;
  outgoing: OutgoingStatus[];
  incoming: IncomingStatus[];
}

export interface ReplicatorOptions {
  self: string;
  topology: Topology;
  storage: Storage;
  latency: boolean;
  transport: Transport;
  clock: Clock;
  /** The fabric's secret: only PoPs that hold it replicate with each other. */
  secret: string;
  /** Handshake nonces; random by default, seeded in the simulation. */
  nonce?: () => string;
  warn: (msg: string) => void;
  onApplied?: (origin: string, stats: ApplyStats) => void;
  /** See ReceiverOptions.applyElsewhere. */
  applyElsewhere?: ReceiverOptions['applyElsewhere'];
}

/**
 * A region's replication: one outgoing link to every peer (full mesh, each region ships only its
 * own changes) and the receiving side for every peer's link to it, on the PoP's own port.
 */
export class Replicator {
  readonly outgoing = new Map<string, OutgoingLink>();
  readonly incoming = new Map<string, IncomingState>();
  private readonly accepted = new Set<IncomingConnection>();
  private readonly peers: Set<string>;
  private running = false;

  constructor(private readonly o: ReplicatorOptions) {
    this.peers = new Set(o.topology.regions.map((r) => r.name).filter((n) => n !== o.self));
    const rng = createRng(o.topology.seed);
    for (const peer of this.peers) {
      this.outgoing.set(
        peer,
        new OutgoingLink({
          self: o.self,
          peer,
          transport: o.transport,
          clock: o.clock,
          secret: o.secret,
          nonce: o.nonce ?? randomNonce,
          epoch: () => o.storage.epoch(),
          log: o.storage.changes,
          profile: linkProfile(o.topology, o.self, peer),
          latency: o.latency,
          rng: rng.fork(`link:${o.self}->${peer}`),
          warn: o.warn,
          ships: (e) => shipsTo(o.storage.registry, peer, e),
        }),
      );
      this.incoming.set(peer, new IncomingState());
    }
    // The write path says when a commit made new entries shippable (the log shows committed ones only).
    o.storage.onCommit(() => {
      if (!this.running) return;
      for (const link of this.outgoing.values()) link.shipCommitted();
    });
  }

  start(): void {
    this.running = true;
    this.o.transport.accept((conn) => {
      const incoming = new IncomingConnection(conn, {
        self: this.o.self,
        peers: this.peers,
        storage: this.o.storage,
        clock: this.o.clock,
        secret: this.o.secret,
        nonce: this.o.nonce ?? randomNonce,
        state: (origin) => this.incoming.get(origin) as IncomingState,
        onApplied: (origin, stats) => this.o.onApplied?.(origin, stats),
        warn: this.o.warn,
        ...(this.o.applyElsewhere ? { applyElsewhere: this.o.applyElsewhere } : {}),
      });
      // Tracked from the first byte, not only once authenticated: stop() must end half-open
      // handshakes too, or a killed PoP's server would wait for them forever.
      this.accepted.add(incoming);
      conn.onClose(() => this.accepted.delete(incoming));
    });
    for (const link of this.outgoing.values()) link.start();
  }

  /** Stops shipping and receiving; what is not yet acknowledged resumes after start(). */
  stop(): void {
    this.running = false;
    this.o.transport.accept(undefined);
    for (const link of this.outgoing.values()) link.stop();
    for (const c of [...this.accepted]) c.close();
    this.accepted.clear();
  }

  /** Forgets lag figures and counters (after a reset, old figures would describe data that is gone). */
  resetStats(): void {
    for (const link of this.outgoing.values()) link.resetStats();
    for (const [peer, st] of this.incoming) {
      st.connection?.close();
      this.incoming.set(peer, new IncomingState());
    }
  }

  isRunning(): boolean {
    return this.running;
  }

  notify(): void {
    if (!this.running) return;
    for (const link of this.outgoing.values()) link.schedulePump();
  }

  link(peer: string): OutgoingLink {
    const l = this.outgoing.get(peer);
    if (!l) throw new RangeError(`${this.o.self} has no link to '${peer}'`);
    return l;
  }

  setLink(peer: string, settings: LinkSettings): void {
    this.link(peer).setSettings(settings);
  }

  status(): ReplicationStatus {
    return {
      region: this.o.self,
      lastSeq: this.o.storage.changes.lastSeq(),
      outgoing: [...this.outgoing.values()].map((l) => l.status()),
      incoming: [...this.incoming.entries()].map(([from, st]) => ({
        from,
        connected: st.connection !== undefined,
        applied: this.o.storage.applier.appliedSeq(from),
        pendingFrames: st.connection?.pending() ?? 0,
        lagP50Ms: st.lag.percentile(50),
        lagP99Ms: st.lag.percentile(99),
        lagSamples: st.lag.count,
        lagSumMs: st.lag.sum,
        lagBuckets: [...st.lag.buckets],
        counters: { ...st.counters },
        lost: this.o.storage.applier.entry(from).lost,
      })),
    };
  }
}
