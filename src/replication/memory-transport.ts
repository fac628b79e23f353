import type { Clock } from '../core/clock.js';
import type { Connection, Transport } from './transport.js';

/** One message or connection event on the network, for traces. */
export interface NetworkEvent {
  at: number;
  /** `message` when sent, `deliver` when it reached an open end. */
  kind: 'connect' | 'refused' | 'message' | 'deliver' | 'close' | 'sever';
  /** The connection, numbered in the order they were opened. */
  conn: number;
  from: string;
  to: string;
  /** The frame, for messages. */
  text?: string;
}

/** Which open connection ends a fault applies to: `self` is the end's PoP, `other` its peer. */
export type EndFilter = (e: { self: string; other: string; outgoing: boolean }) => boolean;

class End implements Connection {
  peerEnd: End | undefined;
  private openFns: (() => void)[] = [];
  private messageFns: ((t: string) => void)[] = [];
  private closeFns: (() => void)[] = [];
  closed = false;
  /** Messages this end sent that are still on the wire are lost (an abrupt close), unless severed. */
  private dropsInFlight = false;
  /** When the last message sent on this end arrives: a connection delivers in order. */
  private lastArrival = 0;

  constructor(
    private readonly net: MemoryNetwork,
    readonly id: number,
    readonly self: string,
    readonly other: string,
    readonly outgoing: boolean,
  ) {}

  send(text: string): void {
    if (this.closed) return;
    const to = this.peerEnd;
    this.net.record({ kind: 'message', conn: this.id, from: this.self, to: this.other, text });
    const deliver = () => {
      if (this.dropsInFlight || !to || to.closed) return;
      this.net.record({ kind: 'deliver', conn: this.id, from: this.self, to: this.other, text });
      for (const fn of to.messageFns) fn(text);
    };
    const clock = this.net.clock;
    const arrival = Math.max(this.lastArrival, clock.now() + this.net.wireDelay(this.self, this.other));
    this.lastArrival = arrival;
    // Without wire delay, delivered on a later turn in send order: the clock's deferred queue is FIFO.
    if (arrival <= clock.now()) clock.defer(deliver);
    else clock.setTimeout(deliver, arrival - clock.now());
  }

  buffered(): number {
    return 0;
  }

  close(): void {
    if (this.closed) return;
    this.net.record({ kind: 'close', conn: this.id, from: this.self, to: this.other });
    this.dropsInFlight = true;
    this.shut();
    const other = this.peerEnd;
    if (other) this.net.clock.defer(() => other.shut());
  }

  /**
   * Half-open: this end sees the close at once, the peer's end stays open for `lingerMs` and still
   * receives what was already on the wire, as when a TCP connection dies on one side only.
   */
  sever(lingerMs: number): void {
    if (this.closed) return;
    this.net.record({ kind: 'sever', conn: this.id, from: this.self, to: this.other });
    this.shut();
    const other = this.peerEnd;
    if (other) this.net.clock.setTimeout(() => other.close(), Math.max(lingerMs, this.lastArrival - this.net.clock.now()));
  }

  shut(): void {
    if (this.closed) return;
    this.closed = true;
    this.net.forget(this);
    for (const fn of this.closeFns) fn();
  }

  opened(): void {
    if (!this.closed) for (const fn of this.openFns) fn();
  }

  onOpen(fn: () => void): void {
    this.openFns.push(fn);
  }

  onMessage(fn: (text: string) => void): void {
    this.messageFns.push(fn);
  }

  onClose(fn: () => void): void {
    this.closeFns.push(fn);
  }
}

/**
 * An in-memory network of PoPs for the deterministic simulation. Connections deliver in order on
 * the clock (deferred work, or timers when a wire delay is set), so with a ManualClock every run of
 * the same schedule interleaves the same way. The simulation injects connection faults here
 * (dropping connections, half-open ones, taking a PoP off the network, wire delay that lets a new
 * connection overtake an old one); link delay and loss stay the links' own business, as on real
 * ports.
 */
export class MemoryNetwork {
  private readonly acceptors = new Map<string, (conn: Connection) => void>();
  private readonly down = new Set<string>();
  private readonly live = new Set<End>();
  private connections = 0;
  readonly events: NetworkEvent[] = [];
  /** Whether to keep every event in `events` (traces); counters are kept either way. */
  tracing = false;
  messages = 0;
  /**
   * Time a message or a connection attempt spends on the wire from one PoP to another, in ms (0:
   * the next turn). Messages of one connection still arrive in order; different connections race.
   */
  wireDelay: (from: string, to: string) => number = () => 0;

  constructor(readonly clock: Clock) {}

  /** The transport one PoP uses. */
  endpoint(region: string): Transport {
    return {
      connect: (peer) => this.connect(region, peer),
      accept: (fn) => {
        if (fn) this.acceptors.set(region, fn);
        else this.acceptors.delete(region);
      },
    };
  }

  /** Takes a PoP off the network (or back): its connections drop, new ones are refused. */
  setDown(region: string, isDown: boolean): void {
    if (isDown) {
      this.down.add(region);
      this.drop((e) => e.self === region || e.other === region);
    } else this.down.delete(region);
  }

  isDown(region: string): boolean {
    return this.down.has(region);
  }

  /** Drops every open connection matching `which` (both ends see close), e.g. one link's. */
  drop(which: EndFilter = () => true): number {
    const victims = [...this.live].filter((e) => which(e));
    for (const e of victims) e.close();
    return victims.length;
  }

  /** Severs the matching ends: each sees its connection close now, its peer only `lingerMs` later. */
  sever(which: EndFilter, lingerMs: number): number {
    const victims = [...this.live].filter((e) => which(e));
    for (const e of victims) e.sever(lingerMs);
    return victims.length;
  }

  openConnections(): number {
    return this.live.size;
  }

  record(e: Omit<NetworkEvent, 'at'>): void {
    if (e.kind === 'message') this.messages++;
    if (this.tracing) this.events.push({ at: this.clock.now(), ...e });
  }

  forget(e: End): void {
    this.live.delete(e);
  }

  private connect(from: string, to: string): Connection {
    const id = ++this.connections;
    const client = new End(this, id, from, to, true);
    const establish = () => {
      const accept = this.acceptors.get(to);
      if (client.closed) return;
      if (!accept || this.down.has(to) || this.down.has(from)) {
        this.record({ kind: 'refused', conn: id, from, to });
        client.shut();
        return;
      }
      const server = new End(this, id, to, from, false);
      client.peerEnd = server;
      server.peerEnd = client;
      this.live.add(client).add(server);
      this.record({ kind: 'connect', conn: id, from, to });
      accept(server);
      client.opened();
    };
    const delay = this.wireDelay(from, to);
    if (delay > 0) this.clock.setTimeout(establish, delay);
    else this.clock.defer(establish);
    return client;
  }
}
