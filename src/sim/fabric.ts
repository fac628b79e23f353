import { ManualClock } from '../core/clock.js';
import { createRng } from '../core/rng.js';
import { DEFAULT_LINK_SETTINGS, linkSettingsProblem, MemoryNetwork, Replicator, type LinkSettings } from '../replication/index.js';
import { openStorage, type ApplyStats, type RegisterMerge, type Storage } from '../storage/index.js';
import type { Topology } from '../topology/index.js';

export interface SimFabricOptions {
  topology: Topology;
  /** false turns the topology's link delays off (overrides set on a link still apply). */
  latency?: boolean;
  clock?: ManualClock;
  /** Told of every warning a replicator logs. */
  warn?: (region: string, msg: string) => void;
  /** Told of every batch a PoP applied (before it commits). */
  onApplied?: (region: string, origin: string, stats: ApplyStats) => void;
  /** A replacement register merge for every replica (StorageOptions.merge): only to show a broken one is caught. */
  merge?: RegisterMerge;
  /** Told when a PoP's process starts (after its replicator) and when it dies (before its replica rolls back). */
  onBoot?: (region: string) => void;
  onKill?: (region: string) => void;
}

/** One simulated PoP: a real replica and, while it is up, a real replicator. */
export interface SimPop {
  readonly name: string;
  /** Survives kills: it is the PoP's data "on disk". */
  readonly storage: Storage;
  /** undefined while the PoP is killed; every restart builds a new one. */
  readonly replicator: Replicator | undefined;
  readonly up: boolean;
}

class Pop implements SimPop {
  replicator: Replicator | undefined;
  boots = 0;

  constructor(
    readonly name: string,
    readonly storage: Storage,
  ) {}

  get up(): boolean {
    return this.replicator !== undefined;
  }
}

/**
 * A whole fabric without Fastify or ports: N PoPs, each a real in-memory SQLite replica with a
 * real Replicator, over one MemoryNetwork, all on one ManualClock. Nothing happens until the caller
 * moves the clock, so a run is a pure function of what the caller does.
 *
 * The desired link settings live here, as in the fabric's control, and are pushed again to a PoP
 * that restarts, so a restarted PoP never ships across a cut link.
 */
export class SimFabric {
  readonly clock: ManualClock;
  readonly network: MemoryNetwork;
  readonly topology: Topology;
  private readonly byName = new Map<string, Pop>();
  private readonly settings = new Map<string, LinkSettings>();

  constructor(private readonly o: SimFabricOptions) {
    this.topology = o.topology;
    this.clock = o.clock ?? new ManualClock();
    this.network = new MemoryNetwork(this.clock);
    o.topology.regions.forEach((r, ordinal) => {
      const storage = openStorage({ path: undefined, region: r.name, regionOrdinal: ordinal, clock: this.clock, ...(o.merge ? { merge: o.merge } : {}) });
      this.byName.set(r.name, new Pop(r.name, storage));
    });
  }

  get pops(): SimPop[] {
    return [...this.byName.values()];
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  pop(name: string): SimPop {
    return this.get(name);
  }

  /** Starts every PoP that is not up. */
  start(): void {
    for (const p of this.byName.values()) if (!p.up) this.boot(p);
  }

  /**
   * The PoP crashes: off the network at once (its connections cut, frames on the wire lost), its
   * replicator and everything it held in memory gone, its writes not yet committed rolled back
   * (never acknowledged). Its replica stays.
   */
  kill(name: string): void {
    const p = this.get(name);
    if (!p.replicator) return;
    this.network.setDown(name, true);
    p.replicator.stop();
    p.replicator = undefined;
    this.o.onKill?.(name);
    p.storage.crash();
  }

  /** A new replicator over the same replica; it resumes from the version vectors on both sides. */
  restart(name: string): void {
    const p = this.get(name);
    if (!p.up) this.boot(p);
  }

  link(from: string, to: string): LinkSettings {
    return this.settings.get(`${from}>${to}`) ?? DEFAULT_LINK_SETTINGS;
  }

  setLink(from: string, to: string, s: LinkSettings): void {
    this.get(from);
    this.get(to);
    const problem = linkSettingsProblem(s);
    if (problem) throw new RangeError(`link ${from}→${to}: ${problem}`);
    this.settings.set(`${from}>${to}`, s);
    this.get(from).replicator?.setLink(to, s);
  }

  /** Every link back to the topology's figures, uncut. */
  heal(): void {
    for (const a of this.names) for (const b of this.names) if (a !== b && this.settings.has(`${a}>${b}`)) this.setLink(a, b, DEFAULT_LINK_SETTINGS);
    this.settings.clear();
  }

  /**
   * Every link between two PoPs that are up is open and acknowledged up to its origin's last
   * change, with nothing waiting at the receiver; links that are cut or lead to a killed PoP are
   * not owed anything.
   */
  drained(): boolean {
    for (const p of this.byName.values()) {
      if (!p.replicator) continue;
      const status = p.replicator.status();
      for (const l of status.outgoing) {
        if (this.link(p.name, l.to).cut || !this.get(l.to).up) continue;
        if (l.state !== 'open' || l.acked < status.lastSeq) return false;
      }
      for (const i of status.incoming) if (i.pendingFrames > 0) return false;
    }
    return true;
  }

  /** Runs the clock until nothing is left to do (or `maxMs` of virtual time passed); true when idle. */
  runUntilIdle(maxMs = 10 * 60_000): boolean {
    this.clock.runUntilIdle(maxMs);
    return this.clock.pendingTimers() === 0;
  }

  close(): void {
    for (const p of this.byName.values()) {
      p.replicator?.stop();
      p.replicator = undefined;
      p.storage.close();
    }
  }

  private get(name: string): Pop {
    const p = this.byName.get(name);
    if (!p) throw new RangeError(`no PoP '${name}' in this simulation; known: ${this.names.join(', ')}`);
    return p;
  }

  private boot(p: Pop): void {
    this.network.setDown(p.name, false);
    // Handshake nonces from the seed, so that frames replay byte for byte.
    const nonces = createRng(this.topology.seed).fork(`nonce:${p.name}:${p.boots++}`);
    const r = new Replicator({
      self: p.name,
      topology: this.topology,
      storage: p.storage,
      secret: 'simulated fabric',
      nonce: () => nonces.int(0x1_0000_0000).toString(16).padStart(8, '0') + nonces.int(0x1_0000_0000).toString(16).padStart(8, '0'),
      latency: this.o.latency ?? true,
      transport: this.network.endpoint(p.name),
      clock: this.clock,
      warn: (msg) => this.o.warn?.(p.name, msg),
      onApplied: (origin, stats) => this.o.onApplied?.(p.name, origin, stats),
    });
    for (const peer of this.names) if (peer !== p.name && this.settings.has(`${p.name}>${peer}`)) r.setLink(peer, this.link(p.name, peer));
    p.replicator = r;
    r.start();
    this.o.onBoot?.(p.name);
  }
}
