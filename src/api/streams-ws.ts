import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { Principal } from '../auth/index.js';
import { GdnError } from '../core/errors.js';
import { endSocket } from '../core/http-errors.js';
import { MAX_MESSAGE_BYTES, parseMessageId } from '../core/streams.js';
import { consumerError, parseConsumerCommand, parseProducerFrame, producerAck, producerError, type Sink } from '../streams/index.js';
import type { ApiContext } from './context.js';
import { consumerOptions, readerOptions, resolveTarget, socketPrincipal, socketTenant, type StreamTarget } from './stream-target.js';

/** Frames larger than this close the connection (1009); smaller ones that are too big get an error frame. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** A client's socket as the broker sees it; frames sent before the upgrade completed wait for it. */
class SocketSink implements Sink {
  private ws: WebSocket | undefined;
  private early: string[] = [];
  private closing: { code: number; reason: string } | undefined;

  send(text: string): void {
    if (!this.ws) this.early.push(text);
    else if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.ws) this.ws.close(code, reason);
    else this.closing = { code, reason };
  }

  open(ws: WebSocket): void {
    this.ws = ws;
    for (const t of this.early) ws.send(t);
    this.early = [];
    if (this.closing) ws.close(this.closing.code, this.closing.reason);
  }
}

interface Session {
  onFrame(text: string, send: (t: string) => void): void;
  close(): void;
}

function tooBig(bytes: number): string {
  return `the frame is ${bytes} bytes; a message payload may be at most ${MAX_MESSAGE_BYTES} bytes`;
}

/** What a connection does with the client's frames, by role. Throws a GdnError when it cannot start (a second Exclusive consumer). */
function session(ctx: ApiContext, t: StreamTarget, sink: Sink): Session {
  const broker = ctx.streams();
  if (t.role === 'producer') {
    const p = broker.producer(t.rec, sink, t.params.get('producerName') ?? '');
    return {
      onFrame: (text, send) => {
        const f = parseProducerFrame(text);
        if (!f.ok) return send(producerError(f.error, f.detail, f.context));
        if (f.message.payload.length > MAX_MESSAGE_BYTES) return send(producerError('UnknownError', tooBig(f.message.payload.length), f.context));
        p.publish(f.message, (err, m) => send(m ? producerAck(m.id, f.context) : producerError('UnknownError', (err as Error).message, f.context)));
      },
      close: () => p.close(),
    };
  }
  if (t.role === 'reader') {
    const o = readerOptions(t.params);
    const r = broker.reader(t.rec, o.start, o.queueSize, o.name, sink);
    return {
      onFrame: (text, send) => {
        const c = parseConsumerCommand(text);
        if (c.kind === 'bad') return send(consumerError(c.error, c.detail));
        r.ack();
      },
      close: () => r.close(),
    };
  }
  const c = broker.subscribe(t.rec, t.subscription, consumerOptions(t.params), sink);
  return {
    onFrame: (text, send) => {
      const cmd = parseConsumerCommand(text);
      if (cmd.kind === 'bad') return send(consumerError(cmd.error, cmd.detail));
      if (cmd.kind === 'permit') return c.permit(cmd.permits);
      if (cmd.kind === 'isEndOfTopic') return send(JSON.stringify({ endOfTopic: false }));
      if (!parseMessageId(cmd.messageId)) return send(consumerError('FailedToDeserializeFromJSON', `'${cmd.messageId}' is not a message id`));
      const known = cmd.kind === 'ack' ? c.ack(cmd.messageId) : c.nack(cmd.messageId);
      if (!known) send(consumerError('UnknownError', `${t.rec.topic} holds no message ${cmd.messageId} at this region`));
    },
    close: () => c.close(),
  };
}

export interface StreamSockets {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every stream connection at once (the PoP is killed or closed). */
  close(): void;
}

/**
 * The producer, consumer and reader WebSocket endpoints of one PoP (Pulsar's WebSocket API as GDN
 * serves it, spec §9.3-9.4). A URL, parameter or subscription that cannot be served is refused
 * before the upgrade, with the GDN envelope and Pulsar's HTTP status (400, 404, 409); a bad frame
 * on an open connection gets an error frame and closes nothing.
 */
export function streamSockets(ctx: ApiContext): StreamSockets {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES });
  return {
    upgrade(req, socket, head) {
      const url = req.url ?? '/';
      const open = (principal: Principal) => {
        const sink = new SocketSink();
        let s: Session;
        try {
          s = session(ctx, resolveTarget(ctx, url, principal), sink);
        } catch (e) {
          if (!(e instanceof GdnError)) throw e;
          endSocket(socket, e, req.method);
          return;
        }
        // Also when the upgrade never completes (the client went away first): the session must end.
        socket.once('close', () => s.close());
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on('error', () => undefined);
          const send = (t: string) => {
            if (ws.readyState === WebSocket.OPEN) ws.send(t);
          };
          ws.on('message', (data) => s.onFrame(String(data), send));
          sink.open(ws);
        });
      };
      // Credentials first (401 before anything about the URL), as on every route.
      const raw = req.headers.authorization;
      socketPrincipal(ctx, url, Array.isArray(raw) ? raw[0] : raw, socketTenant(url))
        .then(open)
        .catch((e: unknown) => (e instanceof GdnError ? endSocket(socket, e, req.method) : socket.destroy(e as Error)));
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
    },
  };
}
