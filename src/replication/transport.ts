/**
 * What replication links run over: an ordered, reliable, message-oriented connection between two
 * PoPs. Two implementations: WebSocket (ws-transport.ts, between real ports) and in memory
 * (memory-transport.ts, for the deterministic simulation). Link delay, jitter and loss are not the
 * transport's business: the sender stamps each frame with the time it may be read, and the receiver
 * waits for it on its clock, so both transports give the same timing.
 */
export interface Connection {
  send(text: string): void;
  /** Bytes handed to send() and not yet on the wire, for back-pressure. */
  buffered(): number;
  /** Ends the connection at once (both ends see close). */
  close(): void;
  /** Called when the connection is open for sending (outgoing connections only). */
  onOpen(fn: () => void): void;
  onMessage(fn: (text: string) => void): void;
  /** Called once, whichever end closed it or if it never opened. */
  onClose(fn: () => void): void;
}

export interface Transport {
  /** Opens a connection to a peer's replication endpoint; undefined while its address is unknown. */
  connect(peer: string): Connection | undefined;
  /** Takes the connections peers open to this PoP; undefined stops taking them. */
  accept(fn: ((conn: Connection) => void) | undefined): void;
}
