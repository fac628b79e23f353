import { gdnError } from '../core/errors.js';
import type { StreamRecord, StreamStore } from '../storage/index.js';
import type { StreamBroker } from './broker.js';
import type { Subscription } from './subscription.js';

/*
 * What the REST API asks of a stream at this PoP (spec/gdn-api.md §9.2). The figures are Pulsar's
 * topic stats and offline backlog, reduced to the fields fabric-emu can fill with real values.
 */

function backlogOf(store: StreamStore, s: Subscription): { messages: number; bytes: number } {
  const st = s.state();
  return store.messages.backlog(s.sid, st.cursor, st.acked);
}

/** Pulsar's TopicStats. */
export function topicStats(broker: StreamBroker, store: StreamStore, rec: StreamRecord): Record<string, unknown> {
  const t = broker.topic(rec);
  const all = store.messages.backlog(rec.id, 0, []);
  const subscriptions: Record<string, unknown> = {};
  for (const s of t.subscriptions.values()) {
    subscriptions[s.name] = {
      type: s.type,
      msgBacklog: backlogOf(store, s).messages,
      unackedMessages: s.unacked(),
      msgOutCounter: s.msgOut,
      consumers: s.consumers.map((c) => ({ consumerName: c.o.consumerName, availablePermits: c.available(), unackedMessages: c.outstanding.size, msgOutCounter: c.delivered })),
    };
  }
  return {
    msgInCounter: t.counters.msgIn,
    bytesInCounter: t.counters.bytesIn,
    msgOutCounter: t.counters.msgOut,
    bytesOutCounter: t.counters.bytesOut,
    averageMsgSize: all.messages > 0 ? all.bytes / all.messages : 0,
    storageSize: all.bytes,
    msgCount: all.messages,
    publishers: [...t.producers.values()].map((p) => ({ producerName: p.name, msgInCounter: p.msgIn })),
    subscriptions,
    replication: {},
  };
}

/** Pulsar's PersistentOfflineTopicStats (`/backlog`). */
export function topicBacklog(broker: StreamBroker, store: StreamStore, rec: StreamRecord, nowMs: number): Record<string, unknown> {
  const t = broker.topic(rec);
  const all = store.messages.backlog(rec.id, 0, []);
  const cursorDetails: Record<string, unknown> = {};
  let messageBacklog = t.subscriptions.size === 0 ? all.messages : 0;
  for (const s of t.subscriptions.values()) {
    const b = backlogOf(store, s).messages;
    cursorDetails[s.name] = { cursorBacklog: b };
    messageBacklog = Math.max(messageBacklog, b);
  }
  return { storageSize: all.bytes, totalMessages: all.messages, messageBacklog, topicName: rec.topic, cursorDetails, statGeneratedAt: new Date(nowMs).toISOString() };
}

export function subscriptionNames(broker: StreamBroker, rec: StreamRecord): string[] {
  return [...broker.topic(rec).subscriptions.keys()].sort();
}

/** Skips every message of the named subscription (or of every one) on each stream. */
export function clearBacklog(broker: StreamBroker, recs: readonly StreamRecord[], name?: string): void {
  for (const rec of recs) {
    const t = broker.topic(rec);
    for (const s of t.subscriptions.values()) if (name === undefined || s.name === name) s.skipAll(t.lastSeq());
  }
}

/** Deletes the named subscription from every stream that has it; refused (nothing deleted) while one has consumers. */
export function unsubscribe(broker: StreamBroker, recs: readonly StreamRecord[], name: string): number {
  const having = recs.filter((r) => broker.topic(r).subscriptions.has(name));
  const busy = having.find((r) => (broker.topic(r).subscriptions.get(name)?.consumers.length ?? 0) > 0);
  if (busy) throw gdnError('PRECONDITION_FAILED', `subscription '${name}' of ${busy.topic} has connected consumers`);
  for (const r of having) broker.deleteSubscription(r, name);
  return having.length;
}

/** Pulsar's expire-messages: every subscription acknowledges the messages older than `seconds`. */
export function expireMessages(broker: StreamBroker, store: StreamStore, rec: StreamRecord, seconds: number, nowMs: number): void {
  const t = broker.topic(rec);
  const old = store.messages.olderThan(rec.id, nowMs - seconds * 1000);
  for (const s of t.subscriptions.values()) s.skip(old);
}
