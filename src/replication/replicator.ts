import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createRng } from '../core/rng.js';
import type { ApplyStats, Storage } from '../storage/index.js';
import { linkProfile, type Topology } from '../topology/index.js';
import type { LinkSettings } from './link-settings.js';
import { REPLICATION_PATH } from './protocol.js';
import { IncomingConnection, IncomingState, type IncomingCounters } from './receiver.js';
import { OutgoingLink, type OutgoingStatus } from './sender.js';

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
  /** The replication URL of a peer, or undefined while its port is unknown. */
  peerUrl: (name: string) => string | undefined;
  warn: (msg: string) => void;
  onApplied?: (origin: string, stats: ApplyStats) => void;
}

/**
 * A region's replication: one outgoing link to every peer (full mesh, each region ships only its
 * own changes) and the receiving side for every peer's link to it, on the PoP's own port.
 */
export class Replicator {
  readonly outgoing = new Map<string, OutgoingLink>();
  readonly incoming = new Map<string, IncomingState>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
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
          url: () => o.peerUrl(peer),
          log: o.storage.changes,
          profile: linkProfile(o.topology, o.self, peer),
          latency: o.latency,
          rng: rng.fork(`link:${o.self}->${peer}`),
          warn: o.warn,
        }),
      );
      this.incoming.set(peer, new IncomingState());
    }
    // The write path says when a commit made new entries shippable (the log shows committed ones only).
    o.storage.onCommit(() => this.notify());
  }

  /** Takes WebSocket upgrades on the replication path of the PoP's HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req, socket: Duplex, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== REPLICATION_PATH || !this.running) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        new IncomingConnection(ws, {
          self: this.o.self,
          peers: this.peers,
          storage: this.o.storage,
          state: (origin) => this.incoming.get(origin) as IncomingState,
          onApplied: (origin, stats) => this.o.onApplied?.(origin, stats),
          warn: this.o.warn,
        });
      });
    });
  }

  start(): void {
    this.running = true;
    for (const link of this.outgoing.values()) link.start();
  }

  /** Stops shipping and receiving; what is not yet acknowledged resumes after start(). */
  stop(): void {
    this.running = false;
    for (const link of this.outgoing.values()) link.stop();
    for (const st of this.incoming.values()) st.connection?.close();
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
      })),
    };
  }
}
