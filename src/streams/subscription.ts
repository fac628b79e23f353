import type { Clock } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import type { StreamMessage, SubscriptionState, SubscriptionType } from '../storage/index.js';
import { Consumer, type ConsumerOptions, type Sink } from './consumer.js';

/** What a subscription reads its topic through (topic.ts). */
export interface MessageSource {
  /** Committed messages after `seq`, in order, at most `limit`. */
  read(afterSeq: number, limit: number): StreamMessage[];
  find(id: string): StreamMessage | undefined;
  frame(m: StreamMessage, redeliveryCount: number): string;
  delivered(m: StreamMessage): void;
}

/** What a subscription asks of its broker: to be dispatched soon, and its state written. */
export interface SubscriptionHost {
  readonly clock: Clock;
  schedule(d: { dispatch(): void }): void;
  dirty(s: Subscription): void;
}

interface InFlight {
  m: StreamMessage;
  /** undefined while it waits for redelivery. */
  consumer: Consumer | undefined;
  deliveries: number;
}

const READ_BATCH = 256;

/**
 * One subscription of a topic at this PoP, with Pulsar's semantics: Exclusive takes one consumer
 * and refuses a second; Failover delivers to the consumer that subscribed first and moves to the
 * next when it leaves; Shared delivers round-robin. Each consumer gets at most its queue size of
 * unacknowledged messages; what a consumer leaves, times out or negatively acknowledges is
 * redelivered (first, in order) with its redeliveryCount raised.
 *
 * Durable state (storage): every message with seq <= cursor is acknowledged, and so is each seq in
 * `acked`. After a restart everything else is delivered again.
 */
export class Subscription {
  readonly consumers: Consumer[] = [];
  type: SubscriptionType;
  /** Messages delivered at least once and not acknowledged, by seq, in seq order. */
  private readonly inflight = new Map<number, InFlight>();
  private readonly byId = new Map<string, number>();
  private redeliver: number[] = [];
  /** Read from the topic, not yet delivered. */
  private ahead: StreamMessage[] = [];
  private aheadAt = 0;
  /** The last seq read from the topic into `ahead`. */
  private readTo: number;
  /** Every message up to here was delivered or acknowledged. */
  private readSeq: number;
  /** Acknowledged seqs above the cursor. */
  private readonly acked: Set<number>;
  private rr = 0;
  msgOut = 0;

  constructor(
    readonly sid: number,
    readonly name: string,
    state: Pick<SubscriptionState, 'type' | 'cursor' | 'acked'>,
    private readonly source: MessageSource,
    private readonly host: SubscriptionHost,
  ) {
    this.type = state.type;
    this.readSeq = state.cursor;
    this.readTo = state.cursor;
    this.acked = new Set(state.acked);
  }

  /** Every message up to here is acknowledged: just below the oldest one delivered and not acknowledged. */
  cursor(): number {
    const first = this.inflight.keys().next();
    return first.done ? this.readSeq : first.value - 1;
  }

  /** The durable state now: the cursor and the acknowledgements above it. */
  state(): SubscriptionState {
    const cursor = this.cursor();
    for (const seq of this.acked) if (seq <= cursor) this.acked.delete(seq);
    return { sid: this.sid, name: this.name, type: this.type, cursor, acked: [...this.acked].sort((a, b) => a - b) };
  }

  unacked(): number {
    return this.inflight.size;
  }

  attach(sink: Sink, o: ConsumerOptions): Consumer {
    if (this.consumers.length > 0) {
      if (o.type !== this.type) throw gdnError('CONFLICT', `subscription '${this.name}' is ${this.type} and has consumers; it cannot be subscribed as ${o.type}`);
      if (o.type === 'Exclusive') throw gdnError('CONFLICT', `Exclusive consumer is already connected to subscription '${this.name}'`);
    } else if (o.type !== this.type) {
      this.type = o.type;
      this.host.dirty(this);
    }
    const c = new Consumer(sink, o, this.host.clock, (consumer, seqs) => this.takeBack(consumer, seqs));
    this.consumers.push(c);
    this.host.schedule(this);
    return c;
  }

  /** A consumer left: what it had not acknowledged goes to the next one (Failover) or any (Shared). */
  detach(c: Consumer): void {
    const i = this.consumers.indexOf(c);
    if (i === -1) return;
    this.consumers.splice(i, 1);
    c.close();
    this.takeBack(c, [...c.outstanding.keys()]);
    c.outstanding.clear();
  }

  /** Acknowledges by message id (any consumer of the subscription may); false for an id the topic does not hold. */
  ack(id: string): boolean {
    const seq = this.byId.get(id);
    if (seq !== undefined) {
      const f = this.inflight.get(seq)!;
      this.inflight.delete(seq);
      this.byId.delete(id);
      if (f.consumer?.settle(seq)) this.host.schedule(this);
      this.acked.add(seq);
      this.host.dirty(this);
      return true;
    }
    const m = this.source.find(id);
    if (!m) return false;
    // Not delivered yet (or acknowledged before): it is skipped when its turn comes.
    if (!this.acked.has(m.seq) && m.seq > this.cursor()) {
      this.acked.add(m.seq);
      this.host.dirty(this);
    }
    return true;
  }

  /** A negative ack: redelivered after `delayMs`; false for an id not delivered and unacknowledged. */
  nack(id: string, delayMs: number): boolean {
    const seq = this.byId.get(id);
    const f = seq === undefined ? undefined : this.inflight.get(seq);
    if (!f?.consumer) return seq !== undefined || this.source.find(id) !== undefined;
    const c = f.consumer;
    c.settle(seq!);
    f.consumer = undefined;
    this.host.schedule(this);
    this.host.clock.setTimeout(() => this.queue([seq!]), delayMs);
    return true;
  }

  /** Skips every message (Pulsar's clear backlog): all of them count as acknowledged. */
  skipAll(lastSeq: number): void {
    for (const f of this.inflight.values()) f.consumer?.settle(f.m.seq);
    this.inflight.clear();
    this.byId.clear();
    this.redeliver = [];
    this.ahead = [];
    this.aheadAt = 0;
    this.acked.clear();
    this.readSeq = Math.max(this.readSeq, lastSeq);
    this.readTo = Math.max(this.readTo, lastSeq);
    this.host.dirty(this);
    this.host.schedule(this);
  }

  /** Acknowledges the given messages (Pulsar's expire-messages). */
  skip(messages: readonly StreamMessage[]): void {
    for (const m of messages) this.ack(m.id);
  }

  /** Sends what it can: redeliveries first, then new messages, as long as a consumer has room. */
  dispatch(): void {
    for (;;) {
      if (!this.pick(false)) return;
      const f = this.next();
      if (!f) return;
      const c = this.pick(true)!;
      f.consumer = c;
      const count = f.deliveries++;
      c.sent(f.m.seq);
      this.msgOut++;
      this.source.delivered(f.m);
      c.sink.send(this.source.frame(f.m, count));
    }
  }

  /** The consumer the next message goes to; `take` moves the round-robin on. */
  private pick(take: boolean): Consumer | undefined {
    const n = this.consumers.length;
    if (n === 0) return undefined;
    if (this.type !== 'Shared') {
      const active = this.consumers[0]!;
      return active.available() > 0 ? active : undefined;
    }
    for (let i = 0; i < n; i++) {
      const c = this.consumers[(this.rr + i) % n]!;
      if (c.available() > 0) {
        if (take) this.rr = (this.rr + i + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  private next(): InFlight | undefined {
    while (this.redeliver.length > 0) {
      const f = this.inflight.get(this.redeliver.shift()!);
      if (f && !f.consumer) return f;
    }
    for (;;) {
      if (this.aheadAt >= this.ahead.length) {
        this.ahead = this.source.read(this.readTo, READ_BATCH);
        this.aheadAt = 0;
        if (this.ahead.length === 0) return undefined;
        this.readTo = this.ahead[this.ahead.length - 1]!.seq;
      }
      const m = this.ahead[this.aheadAt++]!;
      this.readSeq = m.seq;
      if (this.acked.has(m.seq)) {
        this.host.dirty(this);
        continue;
      }
      const f: InFlight = { m, consumer: undefined, deliveries: 0 };
      this.inflight.set(m.seq, f);
      this.byId.set(m.id, m.seq);
      return f;
    }
  }

  /** Messages a consumer gave back (it left, or they timed out): queued for redelivery, in order. */
  private takeBack(c: Consumer, seqs: readonly number[]): void {
    const mine = seqs.filter((seq) => this.inflight.get(seq)?.consumer === c);
    for (const seq of mine) this.inflight.get(seq)!.consumer = undefined;
    this.queue(mine);
  }

  private queue(seqs: readonly number[]): void {
    const waiting = seqs.filter((seq) => {
      const f = this.inflight.get(seq);
      return f !== undefined && f.consumer === undefined;
    });
    if (waiting.length === 0) return;
    this.redeliver = [...new Set([...this.redeliver, ...waiting])].sort((a, b) => a - b);
    this.host.schedule(this);
  }
}
