import type { Clock, Timer } from '../core/clock.js';
import { ReplicationGapError, type ApplyStats, type Applier, type ChangeEntry } from '../storage/index.js';
import { decode, encode, PROTOCOL_VERSION, SenderFrame } from './protocol.js';
import { LagStats } from './stats.js';
import type { Connection } from './transport.js';

export interface IncomingCounters {
  applied: number;
  superseded: number;
  discarded: number;
  duplicates: number;
  refusedFrames: number;
}

/** What a region knows about changes arriving from one origin. */
export class IncomingState {
  readonly lag = new LagStats();
  readonly counters: IncomingCounters = { applied: 0, superseded: 0, discarded: 0, duplicates: 0, refusedFrames: 0 };
  connection: IncomingConnection | undefined;
}

interface Pending {
  readAt: number;
  entries: ChangeEntry[];
}

export interface ReceiverOptions {
  self: string;
  peers: ReadonlySet<string>;
  applier: Applier;
  clock: Clock;
  state: (origin: string) => IncomingState;
  /** Called after a batch committed, e.g. to record metrics. */
  onApplied: (origin: string, stats: ApplyStats) => void;
  warn: (msg: string) => void;
}

/**
 * The receiving end of one directed link. Frames wait until their readAt, in arrival order, then
 * apply in one transaction each and are acknowledged. Frames still waiting when the connection
 * drops are forgotten: the sender resumes from this region's version vector on reconnect.
 */
export class IncomingConnection {
  private origin: string | undefined;
  private readonly queue: Pending[] = [];
  private timer: Timer | undefined;
  private closed = false;

  constructor(
    private readonly conn: Connection,
    private readonly o: ReceiverOptions,
  ) {
    conn.onMessage((text) => this.onMessage(text));
    conn.onClose(() => this.close());
  }

  pending(): number {
    return this.queue.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    this.queue.length = 0;
    if (this.origin && this.o.state(this.origin).connection === this) this.o.state(this.origin).connection = undefined;
    this.conn.close();
  }

  private refuse(reason: string): void {
    this.o.warn(`replication ${this.origin ?? '?'}→${this.o.self}: refused: ${reason}`);
    if (this.origin) this.o.state(this.origin).counters.refusedFrames++;
    this.conn.send(encode({ v: PROTOCOL_VERSION, t: 'refuse', reason }));
    this.close();
  }

  private onMessage(raw: string): void {
    if (this.closed) return;
    const r = decode(SenderFrame, raw);
    if (!r.ok) return this.refuse(r.error);
    const f = r.frame;
    if (f.t === 'hello') {
      if (f.to !== this.o.self) return this.refuse(`this is ${this.o.self}, not ${f.to}`);
      if (!this.o.peers.has(f.from)) return this.refuse(`unknown region ${f.from}`);
      this.origin = f.from;
      const st = this.o.state(f.from);
      // A reconnecting sender replaces its old connection; the old one's queue is dropped.
      if (st.connection && st.connection !== this) st.connection.close();
      st.connection = this;
      this.conn.send(encode({ v: PROTOCOL_VERSION, t: 'welcome', applied: this.o.applier.appliedSeq(f.from) }));
      return;
    }
    if (!this.origin) return this.refuse('changes before hello');
    if (f.entries.some((e) => e.origin !== this.origin)) return this.refuse(`a change of another origin on the ${this.origin} link`);
    this.queue.push({ readAt: f.readAt, entries: f.entries as ChangeEntry[] });
    if (this.queue.length === 1) this.schedule();
  }

  /** Waits on the clock for the head frame's readAt (the clock itself is precise below a millisecond). */
  private schedule(): void {
    const head = this.queue[0];
    if (!head || this.closed) return;
    this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => this.deliver(), head.readAt - this.o.clock.now());
  }

  private deliver(): void {
    const origin = this.origin as string;
    const st = this.o.state(origin);
    while (!this.closed && this.queue.length > 0 && this.queue[0]!.readAt <= this.o.clock.now()) {
      const { entries } = this.queue.shift()!;
      let stats: ApplyStats;
      try {
        stats = this.o.applier.applyBatch(origin, entries);
      } catch (e) {
        if (e instanceof ReplicationGapError) return this.refuse(e.message);
        throw e;
      }
      const now = this.o.clock.now();
      for (const e of entries) {
        st.lag.record(Math.max(0, now - e.at));
      }
      st.counters.applied += stats.applied;
      st.counters.superseded += stats.superseded;
      st.counters.discarded += stats.discarded;
      st.counters.duplicates += stats.duplicates;
      this.o.onApplied(origin, stats);
      this.conn.send(encode({ v: PROTOCOL_VERSION, t: 'ack', seq: stats.lastSeq }));
    }
    this.schedule();
  }
}
