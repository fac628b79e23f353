import type { Clock } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import { formatHlc, type HlcClock } from '../core/hlc.js';
import { isGlobalTopic, isStreamTopic, messageId } from '../core/streams.js';
import type { ChangeEntry, ChangeLog } from './changelog.js';
import { clockOf, newer } from './clocks.js';
import type { Db } from './database.js';
import type { ApplyOutcome } from './documents.js';
import { StreamMessages, type MessageInput, type StreamMessage } from './stream-messages.js';
import type { WritePath } from './write-path.js';

export * from './stream-messages.js';

export type StreamKind = 'stream' | 'collection';

export interface StreamRecord {
  id: number;
  fabric: string;
  topic: string;
  kind: StreamKind;
  local: boolean;
  /** false once deleted; the row stays so the delete's clock can win over an older create. */
  live: boolean;
  /** The existence register's clock (last create or delete); '' for local and collection streams. */
  clock: string;
}

interface Row {
  id: number;
  fabric: string;
  topic: string;
  kind: string;
  local: number;
  live: number;
  clock: string;
}

/** The fabric's message ttl until one is set: 0, no expiry (Pulsar's default). */
export const DEFAULT_STREAM_TTL_S = 0;

/**
 * Streams (Pulsar topics) of every fabric, their messages and the subscriptions of this region. A
 * global stream's existence, every message published to it and the fabric's message ttl are change log entries,
 * so they replicate to every PoP in each origin's order; local streams, collection change streams
 * and subscriptions never leave their region. Stream rows are cached: every publish resolves one.
 */
export class StreamStore {
  readonly messages: StreamMessages;
  private readonly cache = new Map<string, StreamRecord>();
  private readonly s;
  /** Bumped whenever the set of streams may have changed, so the broker knows to look. */
  version = 0;

  constructor(
    db: Db,
    private readonly w: WritePath,
    private readonly log: ChangeLog,
    private readonly hlc: HlcClock,
    private readonly origin: string,
    private readonly ordinal: number,
    private readonly clock: Clock,
  ) {
    this.messages = new StreamMessages(db, w);
    this.s = {
      all: db.prepare('SELECT * FROM streams ORDER BY id'),
      byTopic: db.prepare('SELECT * FROM streams WHERE fabric = ? AND topic = ?'),
      insert: db.prepare('INSERT INTO streams (fabric, topic, kind, local, live, clock) VALUES (?, ?, ?, ?, ?, ?)'),
      save: db.prepare('UPDATE streams SET live = ?, clock = ? WHERE id = ?'),
      ttl: db.prepare('SELECT ttl, clock FROM stream_settings WHERE fabric = ?'),
      setTtl: db.prepare('INSERT INTO stream_settings (fabric, ttl, clock) VALUES (?, ?, ?) ON CONFLICT (fabric) DO UPDATE SET ttl = excluded.ttl, clock = excluded.clock'),
    };
    this.reload();
  }

  /** Re-reads every stream row (after a reset, or a rollback that may have undone a create). */
  reload(): void {
    this.cache.clear();
    for (const r of this.s.all.all() as Row[]) this.remember(r);
    this.version++;
  }

  private remember(r: Row): StreamRecord {
    const rec: StreamRecord = {
      id: r.id,
      fabric: r.fabric,
      topic: r.topic,
      kind: r.kind as StreamKind,
      local: r.local === 1,
      live: r.live === 1,
      clock: r.clock,
    };
    this.cache.set(`${r.fabric}\u0000${r.topic}`, rec);
    return rec;
  }

  private persist(rec: StreamRecord): void {
    this.w.touchCaches();
    this.s.save.run(rec.live ? 1 : 0, rec.clock, rec.id);
    this.version++;
  }

  private row(fabric: string, topic: string, kind: StreamKind, local: boolean): StreamRecord {
    const known = this.cache.get(`${fabric}\u0000${topic}`);
    if (known) return known;
    this.w.touchCaches();
    this.s.insert.run(fabric, topic, kind, local ? 1 : 0, 0, '');
    this.version++;
    return this.remember(this.s.byTopic.get(fabric, topic) as Row);
  }

  /** A live stream (user or collection stream), or undefined. */
  get(fabric: string, topic: string): StreamRecord | undefined {
    const rec = this.cache.get(`${fabric}\u0000${topic}`);
    return rec?.live ? rec : undefined;
  }

  require(fabric: string, topic: string): StreamRecord {
    const rec = this.get(fabric, topic);
    if (!rec) throw gdnError('STREAM_NOT_FOUND', `stream not found: ${topic}`);
    return rec;
  }

  /** Every live stream, user and collection streams alike. */
  all(): StreamRecord[] {
    return [...this.cache.values()].filter((r) => r.live);
  }

  /** The live user streams of a fabric, in creation order. */
  list(fabric: string): StreamRecord[] {
    return this.all().filter((r) => r.fabric === fabric && r.kind === 'stream').sort((a, b) => a.id - b.id);
  }

  create(fabric: string, topic: string): StreamRecord {
    if (!isStreamTopic(topic)) throw gdnError('ILLEGAL_NAME', `illegal stream name '${topic}'`);
    if (this.get(fabric, topic)) throw gdnError('DUPLICATE_NAME', `stream already exists: ${topic}`);
    const global = isGlobalTopic(topic);
    const hlc = formatHlc(this.hlc.now());
    return this.w.atomic(() => {
      const rec = this.row(fabric, topic, 'stream', !global);
      rec.live = true;
      rec.clock = global ? clockOf(hlc, this.origin) : '';
      this.persist(rec);
      if (global) this.append('stream.create', fabric, topic, hlc, null, null);
      return rec;
    });
  }

  drop(fabric: string, topic: string): void {
    const rec = this.require(fabric, topic);
    const hlc = formatHlc(this.hlc.now());
    this.w.atomic(() => {
      this.kill(rec, rec.local ? '' : clockOf(hlc, this.origin));
      if (!rec.local) this.append('stream.drop', fabric, topic, hlc, null, null);
    });
  }

  /** A collection's change stream, made on first use (only collections with `hasStream` have one). */
  collectionStream(fabric: string, collection: string): StreamRecord {
    const rec = this.row(fabric, collection, 'collection', true);
    if (!rec.live) {
      rec.live = true;
      this.persist(rec);
    }
    return rec;
  }

  /** Deletes a collection's change stream with its collection (its messages and subscriptions go too). */
  dropCollectionStream(fabric: string, collection: string): void {
    const rec = this.get(fabric, collection);
    if (rec?.kind === 'collection') this.kill(rec, '');
  }

  /** Appends a message; a global stream's is logged too, so it replicates. */
  publish(rec: StreamRecord, input: MessageInput): StreamMessage {
    this.w.assertWriting();
    const at = this.clock.now();
    const hlc = this.hlc.now();
    // Unique across the fabric: the HLC is unique within a region, the ordinal tells regions apart.
    const id = messageId(hlc.physical, hlc.logical * 1024 + this.ordinal);
    const m = this.messages.append(rec.id, id, at, input);
    if (!rec.local) this.append('stream.message', rec.fabric, rec.topic, formatHlc(hlc), id, JSON.stringify({ ...input, at }));
    return m;
  }

  /** The message ttl of a fabric's streams, in seconds (0: none). */
  ttl(fabric: string): number {
    return (this.s.ttl.get(fabric) as { ttl: number } | undefined)?.ttl ?? DEFAULT_STREAM_TTL_S;
  }

  setTtl(fabric: string, seconds: number): void {
    const hlc = formatHlc(this.hlc.now());
    this.w.atomic(() => {
      this.s.setTtl.run(fabric, seconds, clockOf(hlc, this.origin));
      this.append('stream.ttl', fabric, '', hlc, null, JSON.stringify({ seconds }));
    });
  }

  /** Removes the messages past their fabric's ttl or beyond their topic's backlog limit; returns how many. */
  trim(nowMs: number): number {
    return this.w.write(() => {
      let removed = 0;
      for (const rec of this.all()) removed += this.messages.trim(rec.id, this.ttl(rec.fabric), nowMs);
      return removed;
    });
  }

  /** Applies a replicated stream change (inside the applier's write). */
  applyRemote(e: ChangeEntry, clock: string): ApplyOutcome {
    this.w.assertWriting();
    const payload = e.payload === null ? undefined : (JSON.parse(e.payload) as Record<string, unknown>);
    if (e.op === 'stream.ttl') {
      const cur = this.s.ttl.get(e.fabric) as { clock: string } | undefined;
      if (cur && !newer(clock, cur.clock)) return 'superseded';
      this.s.setTtl.run(e.fabric, payload?.['seconds'] as number, clock);
      return 'applied';
    }
    if (!isGlobalTopic(e.collection)) return 'discarded';
    const rec = this.row(e.fabric, e.collection, 'stream', false);
    switch (e.op) {
      case 'stream.create':
        if (!newer(clock, rec.clock)) return 'superseded';
        rec.live = true;
        rec.clock = clock;
        this.persist(rec);
        return 'applied';
      case 'stream.drop':
        if (!newer(clock, rec.clock)) return 'superseded';
        this.kill(rec, clock);
        return 'applied';
      default: {
        // A message to a stream deleted here (or never created): the delete wins, as it does at the origin.
        if (!rec.live || e.key === null || !payload) return 'discarded';
        const { at, ...input } = payload as unknown as MessageInput & { at: number };
        this.messages.append(rec.id, e.key, at, input);
        return 'applied';
      }
    }
  }

  private kill(rec: StreamRecord, clock: string): void {
    rec.live = false;
    rec.clock = clock;
    this.persist(rec);
    this.messages.purge(rec.id);
  }

  private append(op: ChangeEntry['op'], fabric: string, topic: string, hlc: string, key: string | null, payload: string | null): void {
    this.log.append({ origin: this.origin, hlc, op, fabric, collection: topic, key, payload });
  }
}
