import WebSocket from 'ws';
import type { Rng } from '../core/rng.js';
import { sampleLoss, sampleOneWay } from '../latency/sampler.js';
import type { ChangeLog } from '../storage/index.js';
import type { LinkProfile } from '../topology/index.js';
import { epochNow } from '../core/time.js';
import { DEFAULT_LINK_SETTINGS, effectiveProfile, type LinkSettings } from './link-settings.js';
import { decode, encode, PROTOCOL_VERSION, ReceiverFrame } from './protocol.js';

export type LinkState = 'connecting' | 'open' | 'cut' | 'down' | 'stopped';

export interface OutgoingStatus {
  to: string;
  state: LinkState;
  shipped: number;
  acked: number;
  lastSeq: number;
  queueDepth: number;
  settings: LinkSettings;
  profile: LinkProfile;
}

export interface SenderOptions {
  self: string;
  peer: string;
  /** The peer's replication URL, or undefined while its port is not known yet. */
  url: () => string | undefined;
  log: ChangeLog;
  profile: LinkProfile;
  /** false (--no-latency) sends frames for immediate delivery unless the link has an override. */
  latency: boolean;
  rng: Rng;
  warn: (msg: string) => void;
}

const BATCH = 1000;
const MAX_BUFFERED = 4 * 1024 * 1024;
const RECONNECT_MS = [50, 100, 250, 500, 1000];

/**
 * One directed replication link, this region → a peer. It ships this region's own changes in seq
 * order, batched, never waiting for the peer: each frame is stamped with the time it may be read,
 * readAt = max(lastReadAt, sentAt + one-way delay), which keeps the link FIFO (the CockroachDB
 * pattern). A lost frame is retransmitted after a timeout, so loss shows up as delay, never as a
 * lost change. After any reconnect it resumes from the peer's version vector.
 */
export class OutgoingLink {
  state: LinkState = 'stopped';
  shipped = 0;
  acked = 0;
  settings: LinkSettings = DEFAULT_LINK_SETTINGS;
  private ws: WebSocket | undefined;
  private handshaken = false;
  private lastReadAt = 0;
  private attempts = 0;
  private pumpQueued = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: SenderOptions) {}

  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'connecting';
    this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    clearTimeout(this.retryTimer);
    this.ws?.terminate();
    this.ws = undefined;
    this.handshaken = false;
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
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
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
    };
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    const url = this.o.url();
    if (!url) return this.retry();
    const ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => ws.send(encode({ v: PROTOCOL_VERSION, t: 'hello', from: this.o.self, to: this.o.peer })));
    ws.on('message', (data) => this.onMessage(ws, String(data)));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.handshaken = false;
      if (this.state === 'stopped') return;
      this.state = 'down';
      this.retry();
    });
  }

  private retry(): void {
    if (this.state === 'stopped') return;
    const delay = RECONNECT_MS[Math.min(this.attempts++, RECONNECT_MS.length - 1)]!;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private onMessage(ws: WebSocket, raw: string): void {
    const r = decode(ReceiverFrame, raw);
    if (!r.ok) {
      this.o.warn(`replication ${this.o.self}→${this.o.peer}: refused a frame from the peer: ${r.error}`);
      ws.close(1002, 'bad frame');
      return;
    }
    const f = r.frame;
    if (f.t === 'welcome') {
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
      ws.close(1008, 'refused');
    }
  }

  private oneWayDelay(): number {
    const overridden = this.settings.rttMs !== undefined || this.settings.jitterMs !== undefined || this.settings.lossRate !== undefined;
    if (!this.o.latency && !overridden) return 0;
    const p = this.profile();
    let delay = sampleOneWay(p, this.o.rng);
    // A lost frame is resent after a retransmission timeout (TCP's 200 ms floor, or two RTTs).
    while (sampleLoss(p, this.o.rng)) delay += Math.max(200, 2 * p.rttMs);
    return delay;
  }

  private pump(): void {
    const ws = this.ws;
    if (!ws || !this.handshaken || this.settings.cut || ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      setTimeout(() => this.schedulePump(), 5);
      return;
    }
    const entries = this.o.log.since(this.shipped, BATCH);
    if (entries.length === 0) return;
    const sentAt = epochNow();
    const readAt = Math.max(this.lastReadAt, sentAt + this.oneWayDelay());
    this.lastReadAt = readAt;
    ws.send(encode({ v: PROTOCOL_VERSION, t: 'changes', sentAt, readAt, entries }));
    this.shipped = entries[entries.length - 1]!.seq;
    if (entries.length === BATCH) this.schedulePump();
  }
}
