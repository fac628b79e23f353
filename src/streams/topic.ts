import type { StreamMessage, StreamRecord, StreamStore } from '../storage/index.js';
import type { Sink } from './consumer.js';
import { messageFrame } from './frames.js';
import type { Reader } from './reader.js';
import { Subscription, type MessageSource, type SubscriptionHost } from './subscription.js';

/** How many of a topic's newest messages are kept in memory, so caught-up subscriptions never read SQLite. */
const TAIL = 1024;

interface Cached {
  m: StreamMessage;
  /** The frame of its first delivery, built once for every subscription. */
  frame?: string;
}

/** The counters Pulsar's topic stats report. */
export interface TopicCounters {
  msgIn: number;
  bytesIn: number;
  msgOut: number;
  bytesOut: number;
}

/**
 * A stream as the broker holds it while it is in use at this PoP: its subscriptions (loaded from
 * storage), its readers and producers, and a cache of its newest committed messages, which are
 * handed to it as they commit (local publishes and replicated ones alike).
 */
export class Topic implements MessageSource {
  readonly subscriptions = new Map<string, Subscription>();
  readonly readers = new Set<Reader>();
  readonly producers = new Map<Sink, { name: string; msgIn: number }>();
  readonly counters: TopicCounters = { msgIn: 0, bytesIn: 0, msgOut: 0, bytesOut: 0 };
  private tail: Cached[] = [];
  /** Every committed message with seq above this is in the tail (or arrives through `arrived`). */
  private tailFrom: number;

  /** `committedSeq`: every message above it commits later and is handed over by `arrived`. */
  constructor(
    readonly rec: StreamRecord,
    private readonly store: StreamStore,
    private readonly host: SubscriptionHost,
    committedSeq: number,
  ) {
    this.tailFrom = committedSeq;
    for (const s of store.messages.subscriptions(rec.id)) this.subscriptions.set(s.name, new Subscription(rec.id, s.name, s, this, host));
  }

  /** A message that committed here. */
  arrived(m: StreamMessage): void {
    if (m.seq <= this.tailFrom) return;
    this.tail.push({ m });
    if (this.tail.length > TAIL) {
      const dropped = this.tail.splice(0, this.tail.length - TAIL);
      this.tailFrom = dropped[dropped.length - 1]!.m.seq;
    }
    this.counters.msgIn++;
    this.counters.bytesIn += m.payload.length;
    this.wake();
  }

  wake(): void {
    for (const s of this.subscriptions.values()) if (s.consumers.length > 0) this.host.schedule(s);
    for (const r of this.readers) this.host.schedule(r);
  }

  /** The subscription, made at the newest message (Pulsar's default initial position, Latest) if new. */
  subscription(name: string, type: Subscription['type']): Subscription {
    let s = this.subscriptions.get(name);
    if (!s) {
      s = new Subscription(this.rec.id, name, { type, cursor: this.lastSeq(), acked: [] }, this, this.host);
      this.subscriptions.set(name, s);
      this.host.dirty(s);
    }
    return s;
  }

  /** A position after every committed message of the topic (not necessarily one of its seqs). */
  lastSeq(): number {
    return this.tail.length > 0 ? this.tail[this.tail.length - 1]!.m.seq : this.tailFrom;
  }

  /** Committed messages after `afterSeq`: older ones from storage (never above what committed), the rest from the tail. */
  read(afterSeq: number, limit: number): StreamMessage[] {
    let after = afterSeq;
    if (after < this.tailFrom) {
      const rows = this.store.messages.range(this.rec.id, after, limit, this.tailFrom);
      if (rows.length > 0) return rows;
      after = this.tailFrom;
    }
    const from = this.above(after);
    return this.tail.slice(from, from + limit).map((c) => c.m);
  }

  find(id: string): StreamMessage | undefined {
    return this.store.messages.byId(this.rec.id, id);
  }

  frame(m: StreamMessage, redeliveryCount: number): string {
    if (redeliveryCount !== 0) return messageFrame(m, redeliveryCount);
    const c = this.tail[this.above(m.seq - 1)];
    if (c?.m.seq !== m.seq) return messageFrame(m, 0);
    return (c.frame ??= messageFrame(m, 0));
  }

  /** The index of the first cached message with seq above `seq` (seqs are global to the PoP, so not dense). */
  private above(seq: number): number {
    let lo = 0;
    let hi = this.tail.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tail[mid]!.m.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  delivered(m: StreamMessage): void {
    this.counters.msgOut++;
    this.counters.bytesOut += m.payload.length;
  }

  /** Whether any client is connected (a delete without force refuses then). */
  inUse(): boolean {
    return this.producers.size > 0 || this.readers.size > 0 || [...this.subscriptions.values()].some((s) => s.consumers.length > 0);
  }

  /** Every client's sink: to close them when the stream goes. */
  sinks(): Sink[] {
    return [...this.producers.keys(), ...[...this.readers].map((r) => r.sink), ...[...this.subscriptions.values()].flatMap((s) => s.consumers.map((c) => c.sink))];
  }
}
