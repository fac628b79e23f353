import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { gdnError, type GdnError } from './errors.js';

/*
 * The GDN envelope written outside Fastify: by raw servers (the global port's forwarder,
 * `fabric-emu dev`) and on sockets no response object exists for (a request Node cannot parse, an
 * upgrade, a CONNECT). Fastify replies go through api/error-handler.ts, which builds the same body.
 */

/** What an error answer needs: a GdnError, or the same fields a proxy decided on. */
export type ErrorAnswer = Pick<GdnError, 'status' | 'errorNum' | 'message' | 'extra'>;

/** The GDN envelope of an error: what every error answer carries, on every server. */
export function envelopeOf(e: ErrorAnswer): Record<string, unknown> {
  return { ...e.extra, error: true, code: e.status, errorNum: e.errorNum, errorMessage: e.message };
}

/** An error answer on a plain Node response. HEAD gets the headers only. */
export function writeError(res: ServerResponse, e: ErrorAnswer): void {
  const body = JSON.stringify(envelopeOf(e));
  res.writeHead(e.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

/** An error answer as raw bytes, closing the connection; a HEAD gets the headers only, as HTTP requires. */
export function rawEnvelope(e: ErrorAnswer, method?: string): string {
  const body = JSON.stringify(envelopeOf(e));
  const head = `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  return method?.toUpperCase() === 'HEAD' ? head : head + body;
}

/** How long a socket answered and ended waits for the client to end its side before it is cut. */
const LINGER_MS = 2000;

/**
 * Ends a raw socket once `data` is written; never throws. What the client still sends is read and
 * dropped, and a client that never ends its side is cut after a short linger: a socket left paused
 * with unread data would stay open for good and hold up the server's close.
 */
export function finishSocket(socket: Duplex, data?: string): void {
  try {
    socket.on('error', () => undefined);
    socket.resume();
    if ('setTimeout' in socket && typeof socket.setTimeout === 'function') (socket as Socket).setTimeout(LINGER_MS, () => socket.destroy());
    if (socket.writable) socket.end(data);
    else socket.destroy();
  } catch {
    socket.destroy();
  }
}

/** Ends a raw socket with an error answer, if it can still be written; never throws. */
export function endSocket(socket: Duplex, e: ErrorAnswer, method?: string): void {
  finishSocket(socket, rawEnvelope(e, method));
}

function clientErrorOf(err: NodeJS.ErrnoException & { reason?: string }): GdnError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return gdnError('HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts (16 KiB)');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return gdnError('REQUEST_TIMEOUT', 'the request did not arrive in time');
    case 'HPE_INVALID_METHOD':
      return gdnError('BAD_PARAMETER', 'malformed HTTP request: not a known HTTP method');
    default:
      return gdnError('BAD_PARAMETER', `malformed HTTP request${err.code ? ` (${err.code})` : ''}: ${err.reason ?? err.message}`);
  }
}

/** Node's 'clientError': the request could not be parsed, so there is no response object to answer on. */
export function onClientError(err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // A HEAD Node could not parse still gets no body, if its request line got that far.
  const method = Buffer.isBuffer(err.rawPacket) && err.rawPacket.toString('latin1', 0, 5) === 'HEAD ' ? 'HEAD' : undefined;
  endSocket(socket, clientErrorOf(err), method);
}

/** Node's 'connect' (a CONNECT request, which no request handler sees): refused with 405. */
export function onConnect(req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => undefined);
  endSocket(socket, gdnError('METHOD_NOT_ALLOWED', 'CONNECT is not supported: fabric-emu is not a proxy'), req.method);
}
