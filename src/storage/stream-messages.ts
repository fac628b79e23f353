import type { Db } from './database.js';
import type { WritePath } from './write-path.js';

/** What a producer sends; `payload` is kept exactly as given (spec §9.4: opaque, never re-encoded). */
export interface MessageInput {
  payload: string;
  properties?: Record<string, string> | undefined;
  key?: string | undefined;
  eventTime?: string | undefined;
}

export interface StreamMessage {
  /** Position in the topic at this PoP: the order messages committed here. */
  seq: number;
  sid: number;
  id: string;
  /** Publish time at the origin, epoch ms. */
  at: number;
  payload: string;
  /** The properties as JSON text, or null for none. */
  properties: string | null;
  key: string | null;
  event_time: string | null;
}

export type SubscriptionType = 'Exclusive' | 'Shared' | 'Failover';

/** A subscription's durable state: every message with seq <= cursor is acknowledged, and so are those in acked. */
export interface SubscriptionState {
  sid: number;
  name: string;
  type: SubscriptionType;
  cursor: number;
  acked: number[];
}

/** How many messages a topic keeps at one PoP; older ones are trimmed, acknowledged or not. */
export const MAX_TOPIC_BACKLOG = 100_000;

/** Messages and subscriptions of the streams of one replica (every change inside storage.write). */
export class StreamMessages {
  private readonly s;
  /**
   * Messages appended through this connection, ever (rolled back or not): while it stands still,
   * a commit here brought no new message. Another connection's writes reach the broker through
   * StreamStore.reload, which moves StreamStore.version instead.
   */
  appended = 0;
  /** The highest seq appended through this connection, rolled back or not: no message it committed lies above. */
  lastAppended = 0;

  constructor(
    db: Db,
    private readonly w: WritePath,
  ) {
    this.s = {
      // The seq is the run's lastInsertRowid: RETURNING costs a result row per message.
      insert: db.prepare('INSERT INTO stream_messages (sid, id, at, payload, properties, key, event_time) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      since: db.prepare('SELECT * FROM stream_messages WHERE seq > ? ORDER BY seq LIMIT ?'),
      between: db.prepare('SELECT * FROM stream_messages WHERE seq > ? AND seq <= ? ORDER BY seq'),
      range: db.prepare('SELECT * FROM stream_messages WHERE sid = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?'),
      byId: db.prepare('SELECT * FROM stream_messages WHERE sid = ? AND id = ?'),
      last: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM stream_messages WHERE sid = ?').pluck(),
      lastAll: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM stream_messages').pluck(),
      backlog: db.prepare('SELECT COUNT(*) AS messages, COALESCE(SUM(LENGTH(payload)), 0) AS bytes FROM stream_messages WHERE sid = ? AND seq > ?'),
      ackedIn: db.prepare('SELECT COUNT(*) AS messages, COALESCE(SUM(LENGTH(payload)), 0) AS bytes FROM stream_messages WHERE sid = ? AND seq IN (SELECT value FROM json_each(?))'),
      expire: db.prepare('DELETE FROM stream_messages WHERE sid = ? AND at < ?'),
      older: db.prepare('SELECT * FROM stream_messages WHERE sid = ? AND at < ? ORDER BY seq'),
      cap: db.prepare('DELETE FROM stream_messages WHERE sid = ? AND seq <= (SELECT seq FROM stream_messages WHERE sid = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)'),
      purge: db.prepare('DELETE FROM stream_messages WHERE sid = ?'),
      subs: db.prepare('SELECT * FROM stream_subscriptions WHERE sid = ? ORDER BY name'),
      allSubs: db.prepare('SELECT * FROM stream_subscriptions ORDER BY sid, name'),
      saveSub: db.prepare(
        'INSERT INTO stream_subscriptions (sid, name, type, cursor, acked) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sid, name) DO UPDATE SET type = excluded.type, cursor = excluded.cursor, acked = excluded.acked',
      ),
      dropSub: db.prepare('DELETE FROM stream_subscriptions WHERE sid = ? AND name = ?'),
      purgeSubs: db.prepare('DELETE FROM stream_subscriptions WHERE sid = ?'),
    };
  }

  append(sid: number, id: string, at: number, m: MessageInput): StreamMessage {
    this.w.assertWriting();
    const properties = m.properties && Object.keys(m.properties).length > 0 ? JSON.stringify(m.properties) : null;
    const key = m.key ?? null;
    const eventTime = m.eventTime ?? null;
    const seq = Number(this.s.insert.run(sid, id, at, m.payload, properties, key, eventTime).lastInsertRowid);
    this.appended++;
    if (seq > this.lastAppended) this.lastAppended = seq;
    return { seq, sid, id, at, payload: m.payload, properties, key, event_time: eventTime };
  }

  /** Messages of every topic after `seq`, in order: what committed since the broker last looked. */
  since(seq: number, limit: number): StreamMessage[] {
    return this.s.since.all(seq, limit) as StreamMessage[];
  }

  /**
   * Messages of every topic with a seq in (afterSeq, uptoSeq], in order: the same rows as since()
   * when none lies above uptoSeq, read as a range, which costs SQLite a third of since's LIMIT.
   */
  between(afterSeq: number, uptoSeq: number): StreamMessage[] {
    return this.s.between.all(afterSeq, uptoSeq) as StreamMessage[];
  }

  /** The highest seq of any message here (0 for none). */
  lastSeqOfAll(): number {
    return this.s.lastAll.get() as number;
  }

  /** A topic's messages after `afterSeq` (and up to `maxSeq`), in order. */
  range(sid: number, afterSeq: number, limit: number, maxSeq = Number.MAX_SAFE_INTEGER): StreamMessage[] {
    return this.s.range.all(sid, afterSeq, maxSeq, limit) as StreamMessage[];
  }

  byId(sid: number, id: string): StreamMessage | undefined {
    return this.s.byId.get(sid, id) as StreamMessage | undefined;
  }

  /** The seq of a topic's newest message, 0 for none. */
  lastSeq(sid: number): number {
    return this.s.last.get(sid) as number;
  }

  /** Messages (and payload bytes) not acknowledged by a subscription at (cursor, acked). */
  backlog(sid: number, cursor: number, acked: readonly number[]): { messages: number; bytes: number } {
    const all = this.s.backlog.get(sid, cursor) as { messages: number; bytes: number };
    if (acked.length === 0) return all;
    const done = this.s.ackedIn.get(sid, JSON.stringify(acked)) as { messages: number; bytes: number };
    return { messages: all.messages - done.messages, bytes: all.bytes - done.bytes };
  }

  /** A topic's messages published before `cutoffMs`. */
  olderThan(sid: number, cutoffMs: number): StreamMessage[] {
    return this.s.older.all(sid, cutoffMs) as StreamMessage[];
  }

  /** Removes a topic's messages older than `ttlS` (0: none are) and those beyond MAX_TOPIC_BACKLOG. */
  trim(sid: number, ttlS: number, nowMs: number): number {
    this.w.assertWriting();
    let removed = ttlS > 0 ? this.s.expire.run(sid, nowMs - ttlS * 1000).changes : 0;
    removed += this.s.cap.run(sid, sid, MAX_TOPIC_BACKLOG).changes;
    return removed;
  }

  /** A deleted topic's messages and subscriptions. */
  purge(sid: number): void {
    this.w.assertWriting();
    this.s.purge.run(sid);
    this.s.purgeSubs.run(sid);
  }

  subscriptions(sid?: number): SubscriptionState[] {
    const rows = (sid === undefined ? this.s.allSubs.all() : this.s.subs.all(sid)) as (Omit<SubscriptionState, 'acked'> & { acked: string })[];
    return rows.map((r) => ({ ...r, acked: JSON.parse(r.acked) as number[] }));
  }

  saveSubscription(sub: SubscriptionState): void {
    this.w.assertWriting();
    this.s.saveSub.run(sub.sid, sub.name, sub.type, sub.cursor, JSON.stringify(sub.acked));
  }

  removeSubscription(sid: number, name: string): boolean {
    this.w.assertWriting();
    return this.s.dropSub.run(sid, name).changes > 0;
  }
}
