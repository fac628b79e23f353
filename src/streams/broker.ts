import type { Clock } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import type { MessageInput, Storage, StreamMessage, StreamRecord } from '../storage/index.js';
import type { ConsumerOptions, Sink } from './consumer.js';
import { Reader } from './reader.js';
import { Subscription, type SubscriptionHost } from './subscription.js';
import { Topic } from './topic.js';

export interface ProducerHandle {
  /** Publishes one message; `done` is told its id once it committed (a crash before that loses it, unacknowledged). */
  publish(input: MessageInput, done: (err: unknown, m?: StreamMessage) => void): void;
  close(): void;
}

export interface ConsumerHandle {
  /** false when the topic holds no message with that id. */
  ack(id: string): boolean;
  nack(id: string): boolean;
  permit(n: number): void;
  close(): void;
}

export interface ReaderHandle {
  ack(): void;
  close(): void;
}

/** Where a reader starts: before the oldest message kept, after the newest, or after a message. */
export type ReaderStart = { at: 'earliest' | 'latest' } | { after: string };

/** Close code and reason for clients of a stream that was deleted (or of a PoP that was reset). */
export const GONE = { code: 1000, reason: 'the stream was deleted' } as const;

const SINCE_BATCH = 1000;

/**
 * One PoP's stream broker: the live side of the streams kept in storage. It hands every message
 * that commits here (published locally, or replicated from a peer) to the topics in use, runs the
 * subscriptions' dispatch on the clock's next turn, and writes their cursors back through the one
 * write path, coalesced per turn. Nothing here is durable: a crash loses it and a restart rebuilds
 * it from storage, which redelivers every message not acknowledged.
 */
export class StreamBroker implements SubscriptionHost {
  private readonly topics = new Map<number, Topic>();
  private lastSeen: number;
  private seenVersion = -1;
  /** StreamMessages.appended when the broker last read what committed (-1: read at the next commit). */
  private seenAppended = -1;
  private readonly runnable = new Set<{ dispatch(): void }>();
  private readonly dirtySubs = new Set<Subscription>();
  private flushWaiting = false;
  private queued = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly storage: Storage,
    readonly clock: Clock,
    private readonly warn: (msg: string) => void,
  ) {
    this.lastSeen = storage.streams.messages.lastSeqOfAll();
    this.seenVersion = storage.streams.version;
    this.unlisten = storage.onCommit(() => this.committed());
  }

  /** The broker's topic of a live stream (made, with its subscriptions, on first use). */
  topic(rec: StreamRecord): Topic {
    let t = this.topics.get(rec.id);
    if (!t) {
      t = new Topic(rec, this.storage.streams, this, this.lastSeen);
      this.topics.set(rec.id, t);
    }
    return t;
  }

  producer(rec: StreamRecord, sink: Sink, name: string): ProducerHandle {
    const t = this.topic(rec);
    const stat = { name, msgIn: 0 };
    t.producers.set(sink, stat);
    const handle: ProducerHandle = {
      publish: (input, done) => {
        // While a PoP's query executor holds the write lock (a long query, an index build), wait for it.
        const busy = this.storage.writable();
        if (busy) {
          busy.then(() => handle.publish(input, done), done);
          return;
        }
        let m: StreamMessage;
        try {
          m = this.storage.write(() => this.storage.streams.publish(this.storage.streams.require(rec.fabric, rec.topic), input));
        } catch (e) {
          done(e);
          return;
        }
        stat.msgIn++;
        // The message ships to the other PoPs when it commits: waiting for the next turn was a
        // third of the tail of delivery, and the frames of one socket read still share a commit.
        this.storage.commitSoon();
        this.storage.whenCommitted((err) => done(err, err === undefined ? m : undefined));
      },
      close: () => void t.producers.delete(sink),
    };
    return handle;
  }

  subscribe(rec: StreamRecord, name: string, o: ConsumerOptions, sink: Sink): ConsumerHandle {
    const t = this.topic(rec);
    const sub = t.subscription(name, o.type);
    const c = sub.attach(sink, o);
    return {
      ack: (id) => sub.ack(id),
      nack: (id) => sub.nack(id, o.nackDelayMs),
      permit: (n) => {
        c.grant(n);
        this.schedule(sub);
      },
      close: () => sub.detach(c),
    };
  }

  reader(rec: StreamRecord, start: ReaderStart, queueSize: number, name: string, sink: Sink): ReaderHandle {
    const t = this.topic(rec);
    let after: number;
    if ('after' in start) {
      const m = t.find(start.after);
      if (!m) throw gdnError('BAD_PARAMETER', `stream ${rec.topic} holds no message with id '${start.after}' at this region`);
      after = m.seq;
    } else {
      after = start.at === 'latest' ? t.lastSeq() : 0;
    }
    const r = new Reader(sink, name, queueSize, after, t);
    t.readers.add(r);
    this.schedule(r);
    return {
      ack: () => {
        if (r.acked()) this.schedule(r);
      },
      close: () => {
        r.closed = true;
        t.readers.delete(r);
      },
    };
  }

  /** A subscription without consumers is deleted (REST); one with consumers is refused with 412. */
  deleteSubscription(rec: StreamRecord, name: string): void {
    const t = this.topic(rec);
    const sub = t.subscriptions.get(name);
    if (!sub) throw gdnError('SUBSCRIPTION_NOT_FOUND', `subscription '${name}' not found on ${rec.topic}`);
    if (sub.consumers.length > 0) throw gdnError('PRECONDITION_FAILED', `subscription '${name}' of ${rec.topic} has ${sub.consumers.length} connected consumer(s)`);
    t.subscriptions.delete(name);
    this.dirtySubs.delete(sub);
    this.storage.write(() => this.storage.streams.messages.removeSubscription(rec.id, name));
  }

  /** Deletes the stream (the API checked it may); its clients are told and disconnected once that commits. */
  deleteStream(rec: StreamRecord, force: boolean): void {
    const t = this.topics.get(rec.id);
    if (t?.inUse() && !force) throw gdnError('PRECONDITION_FAILED', `stream ${rec.topic} has connected producers or consumers; delete it with force=true`);
    this.storage.write(() => this.storage.streams.drop(rec.fabric, rec.topic));
  }

  schedule(d: { dispatch(): void }): void {
    this.runnable.add(d);
    this.turn();
  }

  dirty(s: Subscription): void {
    this.dirtySubs.add(s);
    this.turn();
  }

  /** Disconnects every client and forgets every topic (the PoP was reset or is going away). */
  reset(): void {
    for (const t of this.topics.values()) for (const s of t.sinks()) s.close(GONE.code, 'the PoP was reset');
    this.topics.clear();
    this.runnable.clear();
    this.dirtySubs.clear();
    this.lastSeen = this.storage.streams.messages.lastSeqOfAll();
    this.seenAppended = -1;
  }

  close(): void {
    this.unlisten();
    for (const t of this.topics.values()) for (const s of t.sinks()) s.close(1001, 'the PoP is going away');
    this.topics.clear();
    this.runnable.clear();
    this.dirtySubs.clear();
  }

  private turn(): void {
    if (this.queued) return;
    this.queued = true;
    this.clock.defer(() => {
      this.queued = false;
      this.run();
    });
  }

  private run(): void {
    const work = [...this.runnable];
    this.runnable.clear();
    for (const d of work) d.dispatch();
    this.flush();
  }

  /** Writes the cursors that changed (each turn does; a REST call that moved them does at once, to answer after they committed). */
  flush(): void {
    if (this.dirtySubs.size === 0 || this.flushWaiting) return;
    // The query executor holds the write lock: the cursors stay dirty until it lets go.
    const busy = this.storage.writable();
    if (busy) {
      this.flushWaiting = true;
      const retry = () => {
        this.flushWaiting = false;
        this.flush();
      };
      busy.then(retry, retry);
      return;
    }
    const subs = [...this.dirtySubs];
    this.dirtySubs.clear();
    try {
      this.storage.write(() => {
        for (const s of subs) {
          const t = this.topics.get(s.sid);
          if (t && t.subscriptions.get(s.name) === s && this.storage.streams.get(t.rec.fabric, t.rec.topic)?.id === s.sid) {
            this.storage.streams.messages.saveSubscription(s.state());
          }
        }
      });
    } catch (e) {
      this.warn(`streams: could not save ${subs.length} subscription cursor(s): ${(e as Error).message}`);
    }
  }

  /**
   * After every commit: what committed is handed to the topics in use and dispatched at once, not
   * on the next turn (a turn of a busy loop was a third of the tail of stream delivery); deleted
   * streams let their clients go.
   */
  private committed(): void {
    this.arrive();
    if (this.runnable.size > 0) this.run();
  }

  private arrive(): void {
    const store = this.storage.streams;
    const reloaded = store.version !== this.seenVersion;
    // Most commits (a KV set, a document write) hold no message: no query for them.
    if (!reloaded && store.messages.appended === this.seenAppended) return;
    this.seenAppended = store.messages.appended;
    if (reloaded) {
      this.seenVersion = store.version;
      for (const [sid, t] of this.topics) {
        if (store.get(t.rec.fabric, t.rec.topic)?.id === sid) continue;
        this.topics.delete(sid);
        for (const s of t.sinks()) s.close(GONE.code, GONE.reason);
      }
    }
    // Only this connection appended since the broker last looked (no reload): nothing that committed
    // lies above its last append, so a range up to it reads the same rows as since's LIMIT, cheaper.
    const upto = store.messages.lastAppended;
    if (!reloaded && upto - this.lastSeen <= SINCE_BATCH) {
      const batch = store.messages.between(this.lastSeen, upto);
      for (const m of batch) this.topics.get(m.sid)?.arrived(m);
      if (batch.length > 0) this.lastSeen = batch[batch.length - 1]!.seq;
      return;
    }
    for (;;) {
      const batch = store.messages.since(this.lastSeen, SINCE_BATCH);
      for (const m of batch) this.topics.get(m.sid)?.arrived(m);
      if (batch.length > 0) this.lastSeen = batch[batch.length - 1]!.seq;
      if (batch.length < SINCE_BATCH) return;
    }
  }
}
