import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { gdnError } from '../core/errors.js';
import { endSocket } from '../core/http-errors.js';
import { REPLICATION_PATH } from './protocol.js';
import type { Connection, Transport } from './transport.js';

/** Largest replication frame a PoP takes: a batch of changes, each up to the request body limit. */
const MAX_PAYLOAD = 256 * 1024 * 1024;

function wrap(ws: WebSocket): Connection {
  return {
    send: (text) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    buffered: () => ws.bufferedAmount,
    close: () => ws.terminate(),
    onOpen: (fn) => void ws.on('open', fn),
    // A handler that throws on a frame must not end the process: the link is dropped and reconnects.
    onMessage: (fn) =>
      void ws.on('message', (data) => {
        try {
          fn(String(data));
        } catch (e) {
          console.error(`fabric-emu: a replication frame could not be handled, closing the link: ${(e as Error)?.stack ?? String(e)}`);
          ws.terminate();
        }
      }),
    onClose: (fn) => {
      ws.on('error', () => undefined);
      ws.on('close', fn);
    },
  };
}

/**
 * Replication over WebSocket: a PoP dials `ws://host:port/_emu/replication` of each peer and takes
 * its peers' connections on the same path of its own HTTP server.
 */
export class WsTransport implements Transport {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_PAYLOAD });
  private acceptor: ((conn: Connection) => void) | undefined;

  /** `url(peer)` is the peer's replication URL, or undefined while its port is not known. */
  constructor(private readonly url: (peer: string) => string | undefined) {
    // A handshake ws refuses (no key, another version, not a GET) gets the GDN envelope, as every refusal does.
    this.wss.on('wsClientError', (err: Error, socket: Duplex, req: IncomingMessage) => {
      endSocket(socket, gdnError(err.message === 'Invalid HTTP method' ? 'METHOD_NOT_ALLOWED' : 'BAD_PARAMETER', `WebSocket handshake refused: ${err.message}`), req.method);
    });
  }

  connect(peer: string): Connection | undefined {
    const url = this.url(peer);
    return url ? wrap(new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_PAYLOAD })) : undefined;
  }

  accept(fn: ((conn: Connection) => void) | undefined): void {
    this.acceptor = fn;
  }

  /** An upgrade on the replication path of the PoP's HTTP server (the PoP dispatches by path). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const accept = this.acceptor;
    if (!accept) {
      endSocket(socket, gdnError('SERVICE_UNAVAILABLE', 'replication is stopped at this PoP'), req.method);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => accept(wrap(ws)));
  }
}

export { REPLICATION_PATH };
