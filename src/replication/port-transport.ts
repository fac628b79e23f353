import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Connection, Transport } from './transport.js';

/** The acceptor's first message on a new connection: it is open (a frame is always a string). */
const OPENED = 1;

/** A connection's port, offered to the thread that runs `to` over that thread's switchboard port. */
export interface PortOffer {
  from: string;
  to: string;
  port: MessagePort;
  /** Characters in flight each way ([0] dialler → acceptor, [1] back), shared by both ends. */
  inFlight: SharedArrayBuffer;
}

/**
 * One end of a replication connection between PoP threads of one process: a MessagePort, without
 * the kernel, HTTP upgrade and WebSocket framing. What is in flight is counted in memory both ends
 * share, so buffered() holds back a sender whose peer falls behind, as a socket's buffer does.
 */
class PortConnection implements Connection {
  private readonly counts: Int32Array;
  private readonly openFns: (() => void)[] = [];
  private readonly messageFns: ((text: string) => void)[] = [];
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    inFlight: SharedArrayBuffer,
    private readonly dialler: boolean,
    private readonly warn: (msg: string) => void,
  ) {
    this.counts = new Int32Array(inFlight);
    port.on('close', () => (this.closed = true));
    port.on('message', (data: unknown) => this.received(data));
    // The PoP's server keeps its thread alive; a connection must not keep an emptied thread from ending.
    port.unref();
  }

  /** Index of the count of what this end sends. */
  private get out(): number {
    return this.dialler ? 0 : 1;
  }

  send(text: string): void {
    if (this.closed) return;
    Atomics.add(this.counts, this.out, text.length);
    this.port.postMessage(text);
  }

  buffered(): number {
    return Atomics.load(this.counts, this.out);
  }

  close(): void {
    this.closed = true;
    this.port.close();
  }

  onOpen(fn: () => void): void {
    this.openFns.push(fn);
  }

  onMessage(fn: (text: string) => void): void {
    this.messageFns.push(fn);
  }

  onClose(fn: () => void): void {
    this.port.on('close', fn);
  }

  /** The dialler hears OPENED once its peer's PoP took the connection; a port queues what comes before. */
  accepted(): void {
    this.port.postMessage(OPENED);
  }

  private received(data: unknown): void {
    if (typeof data !== 'string') {
      if (data === OPENED && this.dialler && !this.closed) for (const fn of this.openFns) fn();
      return;
    }
    Atomics.sub(this.counts, 1 - this.out, data.length);
    // As over a WebSocket: a handler that throws on a frame drops the link, which then reconnects.
    try {
      for (const fn of this.messageFns) fn(data);
    } catch (e) {
      this.warn(`a replication frame could not be handled, closing the link: ${(e as Error)?.stack ?? String(e)}`);
      this.close();
    }
  }
}

/**
 * Replication between PoPs that are threads of one process (startFabric): a connection is a
 * MessageChannel whose far port is handed to the peer's thread over a switchboard port between the
 * two threads (set up by the fabric when it starts them), or straight to the peer when it runs on
 * this thread. The links' handshake, delays, loss, cuts, stats and reconnects are theirs, as over
 * WebSocket; a peer this network does not reach (another process) is dialled over `fallback`.
 */
export class PortNetwork {
  private readonly acceptors = new Map<string, (conn: Connection) => void>();
  private readonly warns = new Map<string, (msg: string) => void>();
  private readonly gone = new Set<MessagePort>();

  /**
   * `routes` gives, for every PoP of the fabric's threads, the switchboard port to its thread
   * (null: it runs on this one).
   */
  constructor(private readonly routes: ReadonlyMap<string, MessagePort | null>) {
    for (const port of new Set(routes.values())) {
      if (!port) continue;
      port.on('message', (offer: PortOffer) => this.offered(offer));
      port.on('close', () => this.gone.add(port));
      port.unref();
    }
  }

  /** The transport of PoP `self`: peers on these threads over ports, any other over `fallback`. */
  endpoint(self: string, fallback: Transport, warn: (msg: string) => void): Transport {
    this.warns.set(self, warn);
    return {
      connect: (peer) => (this.routes.has(peer) ? this.connect(self, peer) : fallback.connect(peer)),
      accept: (fn) => {
        if (fn) this.acceptors.set(self, fn);
        else this.acceptors.delete(self);
        fallback.accept(fn);
      },
    };
  }

  /** Leaves the switchboard (this thread's PoPs are closed): the other threads stop dialling them. */
  close(): void {
    for (const port of new Set(this.routes.values())) port?.close();
  }

  private connect(from: string, to: string): Connection | undefined {
    const route = this.routes.get(to);
    // The peer's thread is gone: as with an address that is not known, the link retries later.
    if (route && this.gone.has(route)) return undefined;
    const { port1, port2 } = new MessageChannel();
    const inFlight = new SharedArrayBuffer(8);
    const conn = new PortConnection(port1, inFlight, true, this.warnOf(from));
    const offer: PortOffer = { from, to, port: port2, inFlight };
    if (route) route.postMessage(offer, [port2]);
    // Not within connect(): the caller sets its handlers first, as for a socket that opens later.
    else queueMicrotask(() => this.offered(offer));
    return conn;
  }

  private warnOf(region: string): (msg: string) => void {
    return (msg) => (this.warns.get(region) ?? console.warn)(msg);
  }

  private offered(offer: PortOffer): void {
    const accept = this.acceptors.get(offer.to);
    // A PoP that is not taking connections (killed, replication stopped): the dialler sees the close and retries.
    if (!accept) return offer.port.close();
    const conn = new PortConnection(offer.port, offer.inFlight, false, this.warnOf(offer.to));
    accept(conn);
    conn.accepted();
  }
}
