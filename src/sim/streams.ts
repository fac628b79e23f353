import type { Clock } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { GLOBAL_PREFIX } from '../core/streams.js';
import { formatHlc } from '../core/hlc.js';
import type { Storage } from '../storage/index.js';
import { StreamBroker, type ConsumerHandle } from '../streams/index.js';
import { FABRIC } from './writer.js';

export const SIM_TOPIC = `${GLOBAL_PREFIX}sim`;
const SUBSCRIPTION = 'sim';

/** A message whose publish was acknowledged (it committed at its origin). */
export interface PublishedMessage {
  origin: string;
  id: string;
  payload: string;
  hlc: string;
}

interface Session {
  handle: ConsumerHandle;
  ackAll: boolean;
}

/**
 * The stream side of a schedule: one global stream, messages published at random PoPs, and at
 * every PoP one consumer on a subscription of its own that acknowledges most of what it gets. A
 * PoP's broker lives as long as its process: a kill takes it, with the acks whose cursor had not
 * committed yet, and a restart builds a new one from the replica.
 */
export class SimStreams {
  readonly published: PublishedMessage[] = [];
  /** Acknowledged stream changes per origin, by HLC: the create and every message. */
  readonly logged = new Map<string, string[]>();
  /** What each PoP's consumer acknowledged, across its sessions. */
  private readonly acked = new Map<string, Set<string>>();
  private readonly brokers = new Map<string, StreamBroker>();
  private readonly sessions = new Map<string, Session>();
  private counter = 0;
  deliveries = 0;
  redeliveries = 0;
  rolledBack = 0;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly storageOf: (pop: string) => Storage,
    private readonly say: (s: string) => void,
  ) {}

  /** The PoP's process started: a broker, and its consumer once the stream is there. */
  up(pop: string): void {
    const s = this.storageOf(pop);
    this.brokers.set(pop, new StreamBroker(s, this.clock, (msg) => this.say(`${pop} broker: ${msg}`)));
    this.connect(pop, false);
  }

  /** The PoP's process died: its broker and consumer are gone, nothing more is written for them. */
  down(pop: string): void {
    this.sessions.delete(pop);
    this.brokers.get(pop)?.close();
    this.brokers.delete(pop);
  }

  /** Creates the stream at `origin` (setup). */
  create(origin: string): void {
    const s = this.storageOf(origin);
    s.write(() => s.streams.create(FABRIC, SIM_TOPIC));
    const hlc = formatHlc(s.hlc.peek());
    s.whenCommitted((err) => {
      if (err === undefined) this.log(origin, hlc);
    });
  }

  /** Every PoP that is up and has the stream gets its consumer (after setup, once it replicated). */
  connectAll(ackAll = false): void {
    for (const pop of this.brokers.keys()) this.connect(pop, ackAll);
  }

  publish(origin: string): void {
    const s = this.storageOf(origin);
    const rec = s.streams.get(FABRIC, SIM_TOPIC);
    if (!rec) return;
    const payload = `${origin}#${this.counter++}`;
    const m = s.write(() => s.streams.publish(rec, { payload }));
    const hlc = formatHlc(s.hlc.peek());
    this.say(`publish ${payload} at ${origin}`);
    s.whenCommitted((err) => {
      if (err !== undefined) {
        this.rolledBack++;
        return this.say(`  not acknowledged: ${payload}`);
      }
      this.published.push({ origin, id: m.id, payload, hlc });
      this.log(origin, hlc);
    });
  }

  /** Why the stream is not as it must be at each PoP, once everything healed and every consumer acknowledged all it got. */
  problems(pops: readonly string[]): string[] {
    const out: string[] = [];
    if (new Set(this.published.map((m) => m.id)).size !== this.published.length) out.push('two acknowledged messages share a message id');
    for (const pop of pops) {
      const s = this.storageOf(pop);
      const rec = s.streams.get(FABRIC, SIM_TOPIC);
      if (!rec) {
        out.push(`${pop} has no stream ${SIM_TOPIC}`);
        continue;
      }
      const held = s.streams.messages.range(rec.id, 0, Number.MAX_SAFE_INTEGER);
      const idOf = new Map(held.map((m) => [m.payload, m.id]));
      const missing = this.published.filter((m) => idOf.get(m.payload) !== m.id);
      if (missing.length > 0) out.push(`${pop} lacks ${missing.length} acknowledged message(s), e.g. ${missing[0]!.payload}`);
      const origins = new Set(this.published.map((m) => m.origin));
      for (const origin of origins) {
        const sent = this.published.filter((m) => m.origin === origin).map((m) => m.payload);
        const order = held.map((m) => m.payload).filter((p) => sent.includes(p));
        if (order.join() !== sent.join()) out.push(`${pop} holds ${origin}'s messages out of its order`);
      }
      const acked = this.acked.get(pop) ?? new Set();
      const unseen = this.published.filter((m) => !acked.has(m.payload));
      if (unseen.length > 0) out.push(`${pop}'s subscription never delivered ${unseen.length} acknowledged message(s), e.g. ${unseen[0]!.payload}`);
    }
    return out;
  }

  private log(origin: string, hlc: string): void {
    const l = this.logged.get(origin) ?? [];
    l.push(hlc);
    this.logged.set(origin, l);
  }

  /** A new consumer session at `pop` (its previous one, if any, disconnects first). */
  private connect(pop: string, ackAll: boolean): void {
    const broker = this.brokers.get(pop);
    const rec = this.storageOf(pop).streams.get(FABRIC, SIM_TOPIC);
    if (!broker || !rec) return;
    this.sessions.get(pop)?.handle.close();
    const current: { session?: Session } = {};
    const sink = {
      send: (text: string) => {
        const m = JSON.parse(text) as { messageId: string; payload: string; redeliveryCount: number };
        this.deliveries++;
        if (m.redeliveryCount > 0) this.redeliveries++;
        if (!current.session?.ackAll && this.rng.next() >= 0.7) return;
        // As a client's ack: a later event, and only if this session is still the PoP's.
        this.clock.defer(() => {
          const session = current.session;
          if (!session || this.sessions.get(pop) !== session) return;
          session.handle.ack(m.messageId);
          const acked = this.acked.get(pop) ?? new Set<string>();
          acked.add(m.payload);
          this.acked.set(pop, acked);
        });
      },
      close: () => undefined,
    };
    current.session = {
      handle: broker.subscribe(rec, SUBSCRIPTION, { type: 'Exclusive', consumerName: pop, queueSize: 1000, ackTimeoutMs: 0, nackDelayMs: 60_000, pullMode: false }, sink),
      ackAll,
    };
    this.sessions.set(pop, current.session);
  }
}
