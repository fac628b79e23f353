import type { Clock, Timer } from '../core/clock.js';
import type { SubscriptionType } from '../storage/index.js';

/** Where the broker sends a client's frames: its WebSocket, seen from the broker. */
export interface Sink {
  send(text: string): void;
  /** Ends the client's connection, e.g. because its stream or subscription was deleted. */
  close(code: number, reason: string): void;
}

/** Pulsar's consumer parameters (spec/gdn-api.md §9.3), validated by the API. */
export interface ConsumerOptions {
  type: SubscriptionType;
  consumerName: string;
  /** At most this many delivered and unacknowledged messages (Pulsar: receiverQueueSize, 1-1000). */
  queueSize: number;
  /** Redeliver what is not acknowledged this long after delivery; 0: never (Pulsar's default). */
  ackTimeoutMs: number;
  /** How long a negatively acknowledged message waits before it is redelivered. */
  nackDelayMs: number;
  /** Pulsar's pull mode: the consumer grants permits (`{"type":"permit"}`) instead of the queue refilling. */
  pullMode: boolean;
}

/** Pulsar's default negativeAckRedeliveryDelay. */
export const DEFAULT_NACK_DELAY_MS = 60_000;

/**
 * One connected consumer of a subscription: its sink, the messages delivered to it and not yet
 * acknowledged (in delivery order, with the time each was delivered) and its ack timeout timer.
 */
export class Consumer {
  /** seq → when it was delivered, oldest first. */
  readonly outstanding = new Map<number, number>();
  private permits = 0;
  private timer: Timer | undefined;
  closed = false;
  delivered = 0;

  constructor(
    readonly sink: Sink,
    readonly o: ConsumerOptions,
    private readonly clock: Clock,
    /** Told when messages outstanding here passed their ack timeout. */
    private readonly timedOut: (c: Consumer, seqs: number[]) => void,
  ) {}

  /** How many more messages may be sent to it now. */
  available(): number {
    if (this.closed) return 0;
    return this.o.pullMode ? this.permits : this.o.queueSize - this.outstanding.size;
  }

  grant(n: number): void {
    this.permits += n;
  }

  sent(seq: number): void {
    this.outstanding.set(seq, this.clock.now());
    this.delivered++;
    if (this.o.pullMode) this.permits--;
    this.arm();
  }

  /** Forgets a delivery (acknowledged, negatively acknowledged, or taken back); true when it was outstanding here. */
  settle(seq: number): boolean {
    return this.outstanding.delete(seq);
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.o.ackTimeoutMs <= 0 || this.timer || this.closed) return;
    const first = this.outstanding.values().next();
    if (first.done) return;
    this.timer = this.clock.setTimeout(() => this.expire(), first.value + this.o.ackTimeoutMs - this.clock.now());
  }

  private expire(): void {
    this.timer = undefined;
    const limit = this.clock.now() - this.o.ackTimeoutMs;
    const due: number[] = [];
    for (const [seq, at] of this.outstanding) {
      if (at > limit) break;
      due.push(seq);
    }
    for (const seq of due) this.outstanding.delete(seq);
    if (due.length > 0) this.timedOut(this, due);
    this.arm();
  }
}
