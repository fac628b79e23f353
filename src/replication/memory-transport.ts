import type { Clock } from '../core/clock.js';
import type { Connection, Transport } from './transport.js';

/** One message or connection event on the network, for traces. */
export interface NetworkEvent {
  at: number;
  kind: 'connect' | 'refused' | 'message' | 'close';
  from: string;
  to: string;
  /** The frame, for messages. */
  text?: string;
}

class End implements Connection {
  peerEnd: End | undefined;
  private openFns: (() => void)[] = [];
  private messageFns: ((t: string) => void)[] = [];
  private closeFns: (() => void)[] = [];
  closed = false;

  constructor(
    private readonly net: MemoryNetwork,
    readonly self: string,
    readonly other: string,
  ) {}

  send(text: string): void {
    if (this.closed) return;
    const to = this.peerEnd;
    this.net.record({ kind: 'message', from: this.self, to: this.other, text });
    // Delivered on a later turn, in send order: the clock's deferred queue is FIFO.
    this.net.clock.defer(() => {
      if (!this.closed && to && !to.closed) for (const fn of to.messageFns) fn(text);
    });
  }

  buffered(): number {
    return 0;
  }

  close(): void {
    if (this.closed) return;
    this.net.record({ kind: 'close', from: this.self, to: this.other });
    this.shut();
    const other = this.peerEnd;
    if (other) this.net.clock.defer(() => other.shut());
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
 * the clock's deferred queue, so with a ManualClock every run of the same schedule interleaves the
 * same way. The simulation injects connection faults here (dropping connections, taking a PoP off
 * the network); delay and loss stay the links' own business, as on real ports.
 */
export class MemoryNetwork {
  private readonly acceptors = new Map<string, (conn: Connection) => void>();
  private readonly down = new Set<string>();
  private readonly live = new Set<End>();
  readonly events: NetworkEvent[] = [];
  /** Whether to keep every event in `events` (traces); counters are kept either way. */
  tracing = false;
  messages = 0;

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

  /** Drops every open connection matching `which` (both ends see close), e.g. one link's. */
  drop(which: (e: { self: string; other: string }) => boolean = () => true): number {
    const victims = [...this.live].filter((e) => which(e));
    for (const e of victims) e.close();
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
    const client = new End(this, from, to);
    this.clock.defer(() => {
      const accept = this.acceptors.get(to);
      if (client.closed) return;
      if (!accept || this.down.has(to) || this.down.has(from)) {
        this.record({ kind: 'refused', from, to });
        client.shut();
        return;
      }
      const server = new End(this, to, from);
      client.peerEnd = server;
      server.peerEnd = client;
      this.live.add(client).add(server);
      this.record({ kind: 'connect', from, to });
      accept(server);
      client.opened();
    });
    return client;
  }
}
