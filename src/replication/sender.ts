import type { Clock, Timer } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { sampleLoss, sampleOneWay } from '../latency/sampler.js';
import type { ChangeEntry, ChangeLog } from '../storage/index.js';
import type { LinkProfile } from '../topology/index.js';
import { DEFAULT_LINK_SETTINGS, effectiveProfile, type LinkSettings, type LinkState } from './link-settings.js';

export type { LinkState };
import { decode, encode, encodeChanges, PROTOCOL_VERSION, ReceiverFrame } from './protocol.js';
import { proofMatches, proofOf } from './handshake.js';
import type { Connection, Transport } from './transport.js';
import { measureNetwork, type NetworkMeasurement } from './network.js';

export interface OutgoingStatus {
  to: string;
  state: LinkState;
  shipped: number;
  acked: number;
  lastSeq: number;
  queueDepth: number;
  settings: LinkSettings;
  profile: LinkProfile;
  /** The network under the link, measured at the last handshake; null before the first one. */
  network: NetworkMeasurement | null;
}

export interface SenderOptions {
  self: string;
  peer: string;
  transport: Transport;
  clock: Clock;
  log: ChangeLog;
  profile: LinkProfile;
  /** false (--no-latency) sends frames for immediate delivery unless the link has an override. */
  latency: boolean;
  rng: Rng;
  warn: (msg: string) => void;
  /** The fabric's secret, for the handshake. */
  secret: string;
  /** Fresh nonces for the handshake (seeded in the simulation, so runs replay). */
  nonce: () => string;
  /** The epoch of this region's change log (storage.epoch()). */
  epoch: () => string;
  /** Whether the peer may hold a change (a geo-fabric's data goes only to its dcList); default every change. */
  ships?: (e: ChangeEntry) => boolean;
}

const BATCH = 1000;
/** After this many lost copies in a row a frame gets through: TCP gives up far sooner. */
const MAX_RETRANSMISSIONS = 20;
const MAX_BUFFERED = 4 * 1024 * 1024;
const RECONNECT_MS = [50, 100, 250, 500, 1000];

/**
 * One directed replication link, this region → a peer. It ships this region's own changes in seq
 * order, batched, never waiting for the peer: each frame is stamped with the time it may be read,
 * readAt = max(lastReadAt, sentAt + one-way delay), which keeps the link FIFO (the CockroachDB
 * pattern); readAt is on the receiver's clock and the network's own delay counts towards it
 * (network.ts), so a link between machines never adds the profile on top of the real network. A lost frame is retransmitted after a timeout, so loss shows up as delay, never as a
 * lost change. After any reconnect it resumes from the peer's version vector.
 */
export class OutgoingLink {
  state: LinkState = 'stopped';
  shipped = 0;
  acked = 0;
  settings: LinkSettings = DEFAULT_LINK_SETTINGS;
  private conn: Connection | undefined;
  private opened = false;
  private myNonce = '';
  private handshaken = false;
  private lastReadAt = 0;
  private attempts = 0;
  private pumpQueued = false;
  private retryTimer: Timer | undefined;
  private helloAt = 0;
  private network: NetworkMeasurement | null = null;

  constructor(private readonly o: SenderOptions) {}

  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'connecting';
    this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    this.o.clock.clearTimeout(this.retryTimer);
    const conn = this.conn;
    this.conn = undefined;
    this.opened = false;
    this.handshaken = false;
    conn?.close();
  }

  resetStats(): void {
    this.shipped = 0;
    this.acked = 0;
    this.lastReadAt = 0;
  }

  setSettings(s: LinkSettings): void {
    this.settings = s;
    if (this.handshaken) this.state = s.cut ? 'cut' : 'open';
    this.schedulePump();
  }

  /** Called after a local commit: ship what is new on the next tick. The log shows only committed entries. */
  schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    this.o.clock.defer(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /**
   * Called right after a local commit: ships what it made shippable now rather than on the next
   * turn (schedulePump), since under load the turn in between is most of a change's wait at its
   * origin. A failure here is logged, never thrown into the commit that called it.
   */
  shipCommitted(): void {
    try {
      this.pump();
    } catch (e) {
      this.o.warn(`replication ${this.o.self}→${this.o.peer}: shipping after a commit failed, retrying on the next turn: ${(e as Error)?.message ?? String(e)}`);
      this.schedulePump();
    }
  }

  profile(): LinkProfile {
    return effectiveProfile(this.o.profile, this.settings);
  }

  status(): OutgoingStatus {
    const lastSeq = this.o.log.lastSeq();
    return {
      to: this.o.peer,
      state: this.state,
      shipped: this.shipped,
      acked: this.acked,
      lastSeq,
      queueDepth: Math.max(0, lastSeq - this.acked),
      settings: this.settings,
      profile: this.profile(),
      network: this.network,
    };
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    const conn = this.o.transport.connect(this.o.peer);
    if (!conn) return this.retry();
    this.conn = conn;
    conn.onOpen(() => {
      if (this.conn !== conn) return;
      this.opened = true;
      this.myNonce = this.o.nonce();
      this.helloAt = this.o.clock.now();
      conn.send(encode({ v: PROTOCOL_VERSION, t: 'hello', from: this.o.self, to: this.o.peer, nonce: this.myNonce, epoch: this.o.epoch() }));
    });
    conn.onMessage((text) => this.onMessage(conn, text));
    conn.onClose(() => {
      if (this.conn !== conn) return;
      this.conn = undefined;
      this.opened = false;
      this.handshaken = false;
      if (this.state === 'stopped') return;
      this.state = 'down';
      this.retry();
    });
  }

  private retry(): void {
    if (this.state === 'stopped') return;
    const delay = RECONNECT_MS[Math.min(this.attempts++, RECONNECT_MS.length - 1)]!;
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.o.clock.setTimeout(() => this.connect(), delay);
  }

  private onMessage(conn: Connection, raw: string): void {
    if (this.conn !== conn) return;
    const r = decode(ReceiverFrame, raw);
    if (!r.ok) {
      this.o.warn(`replication ${this.o.self}→${this.o.peer}: refused a frame from the peer: ${r.error}`);
      conn.close();
      return;
    }
    const f = r.frame;
    if (f.t === 'challenge') {
      const { self, peer, secret } = this.o;
      if (!proofMatches(proofOf(secret, 'receiver', self, peer, this.myNonce, f.nonce), f.proof)) {
        this.o.warn(`replication ${self}→${peer}: the peer could not prove it belongs to this fabric (another fabric's secret?); not shipping to it`);
        conn.close();
        return;
      }
      if (f.now !== undefined) this.network = measureNetwork(this.helloAt, f.now, this.o.clock.now());
      // Stamps of the last connection were on the old reading of the peer's clock; its frames are gone.
      this.lastReadAt = 0;
      conn.send(encode({ v: PROTOCOL_VERSION, t: 'auth', proof: proofOf(secret, 'sender', self, peer, this.myNonce, f.nonce) }));
    } else if (f.t === 'welcome') {
      // Resume exactly where the peer's version vector says it stopped.
      this.shipped = f.applied;
      this.acked = f.applied;
      this.handshaken = true;
      this.attempts = 0;
      this.state = this.settings.cut ? 'cut' : 'open';
      this.schedulePump();
    } else if (f.t === 'ack') {
      if (f.seq > this.acked) this.acked = f.seq;
    } else {
      this.o.warn(`replication ${this.o.self}→${this.o.peer}: peer refused the link: ${f.reason}`);
      conn.close();
    }
  }

  private oneWayDelay(): number {
    const overridden = this.settings.rttMs !== undefined || this.settings.jitterMs !== undefined || this.settings.lossRate !== undefined;
    if (!this.o.latency && !overridden) return 0;
    const p = this.profile();
    let delay = sampleOneWay(p, this.o.rng);
    // A lost frame is resent after a retransmission timeout (TCP's 200 ms floor, or two RTTs).
    // Bounded, so even the highest loss rate gives a finite delay.
    for (let tries = 0; tries < MAX_RETRANSMISSIONS && sampleLoss(p, this.o.rng); tries++) delay += Math.max(200, 2 * p.rttMs);
    return delay;
  }

  private pump(): void {
    const conn = this.conn;
    if (!conn || !this.opened || !this.handshaken || this.settings.cut) return;
    if (conn.buffered() > MAX_BUFFERED) {
      this.o.clock.setTimeout(() => this.schedulePump(), 5);
      return;
    }
    if (this.shipped >= this.o.log.lastSeq()) return;
    const entries = this.o.log.since(this.shipped, BATCH);
    if (entries.length === 0) return;
    const sentAt = this.o.clock.now();
    // On the receiver's clock: the frame reaches it after the network's own delay and waits only the rest.
    const readAt = Math.max(this.lastReadAt, sentAt + (this.network?.offsetMs ?? 0) + this.oneWayDelay());
    this.lastReadAt = readAt;
    const after = this.shipped;
    const through = entries[entries.length - 1]!.seq;
    const ships = this.o.ships;
    const shipped = ships ? entries.filter(ships) : entries;
    // The unfiltered array when nothing was left out: its text is then shared with the other links.
    conn.send(encodeChanges({ v: PROTOCOL_VERSION, t: 'changes', sentAt, readAt, after, through }, shipped.length === entries.length ? entries : shipped));
    this.shipped = through;
    if (this.shipped < this.o.log.lastSeq()) this.schedulePump();
  }
}
