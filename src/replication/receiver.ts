import type { Clock, Timer } from '../core/clock.js';
import { ReplicationGapError, type ApplyStats, type BatchSpan, type ChangeEntry, type Storage } from '../storage/index.js';
import { decode, encode, PROTOCOL_VERSION, SenderFrame } from './protocol.js';
import { clockProblem, entryProblem } from './entry-check.js';
import { proofMatches, proofOf } from './handshake.js';
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
  after: number;
  through: number;
  entries: ChangeEntry[];
}

export interface ReceiverOptions {
  self: string;
  /** The fabric's secret, for the handshake. */
  secret: string;
  nonce: () => string;
  peers: ReadonlySet<string>;
  storage: Pick<Storage, 'applier' | 'write' | 'whenCommitted' | 'writable' | 'commitNow'>;
  /**
   * Offered every batch before it applies here: a batch that would hold the PoP's loop too long
   * (an index build over a large collection) is applied on another connection and this resolves
   * with its stats; undefined applies it here.
   */
  applyElsewhere?: (origin: string, entries: ChangeEntry[], epoch: string, span: BatchSpan) => Promise<ApplyStats> | undefined;
  clock: Clock;
  state: (origin: string) => IncomingState;
  /** Called after a batch was applied, e.g. to record metrics. */
  onApplied: (origin: string, stats: ApplyStats) => void;
  warn: (msg: string) => void;
}

/** A frame may not ask to wait longer than this before it is read (the longest link delay is far less). */
export const MAX_READ_AHEAD_MS = 3_600_000;

/**
 * The receiving end of one directed link. Frames wait until their readAt, in arrival order, then
 * apply as one storage write each and are acknowledged once that write has committed. Frames
 * still waiting when the connection drops are forgotten: the sender resumes from this region's
 * version vector on reconnect.
 */
export class IncomingConnection {
  /** Set once the peer has proven it belongs to the fabric; until then nothing is taken. */
  private origin: string | undefined;
  private claim: { from: string; senderNonce: string; receiverNonce: string; epoch: string } | undefined;
  private readonly queue: Pending[] = [];
  private timer: Timer | undefined;
  private closed = false;
  /** A batch is being applied elsewhere, or writes wait for another connection: nothing else applies meanwhile. */
  private waiting = false;

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

  private send(frame: Parameters<typeof encode>[0]): void {
    if (!this.closed) this.conn.send(encode(frame));
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
      if (this.claim) return this.refuse('a second hello on one connection');
      if (f.to !== this.o.self) return this.refuse(`this is ${this.o.self}, not ${f.to}`);
      if (!this.o.peers.has(f.from)) return this.refuse(`unknown region ${f.from}`);
      this.claim = { from: f.from, senderNonce: f.nonce, receiverNonce: this.o.nonce(), epoch: f.epoch };
      const proof = proofOf(this.o.secret, 'receiver', f.from, this.o.self, f.nonce, this.claim.receiverNonce);
      this.conn.send(encode({ v: PROTOCOL_VERSION, t: 'challenge', nonce: this.claim.receiverNonce, proof, now: this.o.clock.now() }));
      return;
    }
    if (f.t === 'auth') {
      const c = this.claim;
      if (!c || this.origin) return this.refuse(c ? 'a second auth on one connection' : 'auth before hello');
      if (!proofMatches(proofOf(this.o.secret, 'sender', c.from, this.o.self, c.senderNonce, c.receiverNonce), f.proof)) {
        return this.refuse(`${c.from} could not prove it belongs to this fabric`);
      }
      this.origin = c.from;
      const st = this.o.state(c.from);
      // A reconnecting sender replaces its old connection; the old one's queue is dropped.
      if (st.connection && st.connection !== this) st.connection.close();
      st.connection = this;
      const known = this.o.storage.applier.entry(c.from);
      if (known.seq > 0 && known.epoch !== c.epoch) {
        this.o.warn(
          `replication ${c.from}→${this.o.self}: ${c.from}'s change log started over (it was reset or its data dir replaced) after ${known.seq} of its changes were applied here; they stay here but ${c.from} no longer has them, so the fabric cannot converge until it is reset`,
        );
      }
      // The version vector as committed: a batch applied but not yet committed could still roll back.
      this.o.storage.whenCommitted(() => this.send({ v: PROTOCOL_VERSION, t: 'welcome', applied: this.o.storage.applier.appliedSeq(c.from, c.epoch) }));
      return;
    }
    if (!this.origin) return this.refuse('changes before the handshake');
    // Bounds are on the peer's clock, which may already have taken a jump this PoP is about to take.
    const now = this.o.clock.now() + (this.o.clock.leeway?.() ?? 0);
    if (f.readAt > now + MAX_READ_AHEAD_MS) return this.refuse(`a frame asked to be read ${Math.round(f.readAt - now)} ms from now`);
    if (f.through <= f.after) return this.refuse(`a frame covering changes after ${f.after} through ${f.through}`);
    for (const e of f.entries as ChangeEntry[]) {
      if (e.origin !== this.origin) return this.refuse(`a change of another origin on the ${this.origin} link`);
      const problem = entryProblem(e) ?? clockProblem(e, now);
      if (problem) return this.refuse(`change ${e.seq}: ${problem}`);
    }
    this.queue.push({ readAt: f.readAt, after: f.after, through: f.through, entries: f.entries as ChangeEntry[] });
    if (this.queue.length === 1) this.schedule();
  }

  /**
   * Waits on the clock for the head frame's readAt (the clock itself is precise below a millisecond).
   * A frame already due (latency off, or it arrived late) applies at once: a timer would hold it for
   * a turn of the loop, and under load a turn of a busy PoP's loop is what made the delay's tail.
   */
  private schedule(): void {
    const head = this.queue[0];
    if (!head || this.closed || this.waiting) return;
    this.o.clock.clearTimeout(this.timer);
    const wait = head.readAt - this.o.clock.now();
    if (wait <= 0) return this.deliver();
    // A frame that waited out its delay commits as soon as it applied, not with the group on the
    // clock's next turn: under load that turn of the loop was a third of the tail of stream delivery.
    this.timer = this.o.clock.setTimeout(() => {
      this.deliver();
      this.o.storage.commitNow();
    }, wait);
  }

  /** Waits for `p`, delivering nothing meanwhile, then carries on where it stopped. */
  private pause(p: Promise<unknown>): void {
    this.waiting = true;
    const resume = () => {
      this.waiting = false;
      this.schedule();
    };
    p.then(resume, resume);
  }

  private deliver(): void {
    const origin = this.origin as string;
    while (!this.closed && this.queue.length > 0 && this.queue[0]!.readAt <= this.o.clock.now()) {
      // Another connection holds the write lock (the PoP's query executor): wait, without blocking the loop.
      const busy = this.o.storage.writable();
      if (busy) return this.pause(busy);
      const { entries, after, through } = this.queue[0]!;
      const elsewhere = this.o.applyElsewhere?.(origin, entries, this.claim!.epoch, { after, through });
      if (elsewhere) {
        this.queue.shift();
        return this.pause(
          elsewhere.then(
            (stats) => this.applied(origin, entries, stats),
            (e: unknown) => (e instanceof ReplicationGapError ? this.refuse(e.message) : this.o.warn(`replication ${origin}→${this.o.self}: applying a batch failed: ${(e as Error).message}`)),
          ),
        );
      }
      this.queue.shift();
      let stats: ApplyStats;
      try {
        stats = this.o.storage.write(() => this.o.storage.applier.applyBatch(origin, entries, this.claim!.epoch, { after, through }));
      } catch (e) {
        if (e instanceof ReplicationGapError) return this.refuse(e.message);
        throw e;
      }
      this.applied(origin, entries, stats);
    }
    this.schedule();
  }

  private applied(origin: string, entries: ChangeEntry[], stats: ApplyStats): void {
    const st = this.o.state(origin);
    const now = this.o.clock.now();
    for (const e of entries) {
      st.lag.record(Math.max(0, now - e.at));
    }
    st.counters.applied += stats.applied;
    st.counters.superseded += stats.superseded;
    st.counters.discarded += stats.discarded;
    st.counters.duplicates += stats.duplicates;
    this.o.onApplied(origin, stats);
    this.o.storage.whenCommitted((err) => {
      if (err === undefined) this.send({ v: PROTOCOL_VERSION, t: 'ack', seq: stats.lastSeq });
    });
  }
}
