import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { dialHost } from '../core/dial-host.js';
import { ERRORS } from '../core/errors.js';
import { endSocket, finishSocket, writeError } from '../core/http-errors.js';
import { gdnError } from '../core/errors.js';
import type { LocalServer } from './route-table.js';

/** Headers that describe one hop (RFC 9110 §7.6.1), not the message: never copied across. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

/** GDN has no errorNum for "no server"; the registry reuses the HTTP status, as for 404, 405 and 413. */
export const NO_POP_ERRNUM = ERRORS.SERVICE_UNAVAILABLE.errorNum;

/** A PoP (or the global server) a request is passed to. */
export interface ProxyTarget {
  name: string;
  /** Its plain-HTTP base URL, e.g. http://127.0.0.1:8531. */
  url: string;
  /** False for the global server: its answers name no region (x-gdn-region). */
  pop?: boolean;
  /** Set for a PoP in this process: the request is handed to its server, not sent to its port. */
  server?: () => LocalServer;
  /** The target routes by the client's own Host (the HTTPS front door's loopback port), so it is sent unchanged. */
  keepHost?: boolean;
}

const tooLarge = (limit: number) => gdnError('REQUEST_TOO_LARGE', `request body over ${limit} bytes`);

/** An error answer on a response; HEAD gets the headers only (core/http-errors.ts writes every envelope). */
export function envelope(res: ServerResponse, status: number, errorNum: number, message: string): void {
  writeError(res, { status, errorNum, message, extra: undefined });
}

/** The same envelope on a raw socket, for an upgrade that goes no further; never throws. */
export function refuseUpgrade(socket: Duplex, status: number, errorNum: number, message: string, method?: string): void {
  endSocket(socket, { status, errorNum, message, extra: undefined }, method);
}

/** In-process hand-over: the PoP reads the request's own headers, so the proxy's go there. */
function setHeaders(req: IncomingMessage, set: OutgoingHttpHeaders): void {
  for (const [k, v] of Object.entries(set)) if (v !== undefined) req.headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
}

function copyHeaders(h: IncomingHttpHeaders, drop: readonly string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !drop.includes(k)) out[k] = v;
  return out;
}

/**
 * A reverse proxy to plain-HTTP PoPs, shared by the global URL and the HTTPS front door. Bodies are
 * piped both ways, never buffered, so a large batch insert or a long cursor response costs no more
 * memory here than at the PoP. The target sees its own address as Host, which its host guard
 * accepts; `set` adds or overrides headers (the client's region, what the front door saw).
 *
 * A PoP in this process takes the request itself (its server's 'request' and 'upgrade' listeners):
 * no second connection and no second HTTP parse, which halves the front door's cost per request
 * (npm run bench). Its host guard still runs on the client's own Host. A kill then cannot cut the
 * client's socket, which belongs to the front door: a request in flight gets the PoP's answer, a
 * 503 while it closes, or the failure of a write the crash rolled back, never a lost acknowledged write.
 */
export class PopProxy {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly tunnels = new Set<Duplex>();

  /** `bodyLimit`: the PoPs' request body limit, applied here before a body is sent to one's port. */
  constructor(private readonly bodyLimit: number) {}

  private outgoing(req: IncomingMessage, target: ProxyTarget, drop: readonly string[], set: OutgoingHttpHeaders) {
    const url = new URL(target.url);
    url.hostname = dialHost(url.hostname.replace(/^\[|\]$/g, ''));
    const host = target.keepHost && typeof req.headers.host === 'string' ? req.headers.host : url.host;
    const headers = { ...copyHeaders(req.headers, drop), ...set, host };
    return { hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, method: req.method ?? 'GET', path: req.url ?? '/', headers };
  }

  forward(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, set: OutgoingHttpHeaders = {}): void {
    const local = target.server?.();
    if (local) {
      setHeaders(req, set);
      local.emit('request', req, res);
      return;
    }
    // A PoP refuses an oversized body and closes the connection while it is still being sent, which
    // would look here like a PoP that did not answer (503): the limit is applied first.
    const limit = this.bodyLimit;
    if (Number(req.headers['content-length']) > limit) {
      req.resume();
      return writeError(res, tooLarge(limit));
    }
    const out = request({ ...this.outgoing(req, target, HOP_BY_HOP, set), agent: this.agent });
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit || res.headersSent) return;
      req.unpipe(out);
      out.destroy();
      req.resume();
      writeError(res, tooLarge(limit));
    });
    out.on('response', (pr) => {
      const headers = copyHeaders(pr.headers, [...HOP_BY_HOP, 'transfer-encoding']);
      if (target.pop !== false) headers['x-gdn-region'] ??= target.name;
      res.writeHead(pr.statusCode ?? 502, headers);
      pr.pipe(res);
    });
    out.on('error', (e) => {
      if (res.writableEnded) return;
      if (res.headersSent) return res.destroy(e);
      envelope(res, 503, NO_POP_ERRNUM, `PoP ${target.name} (${target.url}) did not answer: ${e.message}`);
    });
    // The client went away before the PoP finished: stop the PoP side too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  }

  /** WebSocket and other upgrades: one raw tunnel to the target. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: ProxyTarget, set: OutgoingHttpHeaders = {}): void {
    const local = target.server?.();
    if (local) {
      setHeaders(req, set);
      if (!local.emit('upgrade', req, socket, head)) refuseUpgrade(socket, 503, NO_POP_ERRNUM, `PoP ${target.name} takes no upgrades now`, req.method);
      return;
    }
    const opts = this.outgoing(req, target, HOP_BY_HOP.filter((h) => h !== 'upgrade' && h !== 'connection'), set);
    const out = request({ ...opts, agent: false });
    // One answer per socket: a PoP that answered and then failed must not get a second one written after it.
    let answered = false;
    out.on('upgrade', (pr, upstream, upstreamHead) => {
      answered = true;
      const lines = [`HTTP/1.1 ${pr.statusCode ?? 101} ${pr.statusMessage ?? 'Switching Protocols'}`];
      for (let i = 0; i < pr.rawHeaders.length; i += 2) lines.push(`${pr.rawHeaders[i]}: ${pr.rawHeaders[i + 1]}`);
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstream.write(head);
      this.tunnels.add(socket).add(upstream);
      const end = () => {
        socket.destroy();
        upstream.destroy();
        this.tunnels.delete(socket);
        this.tunnels.delete(upstream);
      };
      socket.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
      upstream.pipe(socket).pipe(upstream);
    });
    // The PoP answered without upgrading (e.g. 404 for a path with no WebSocket): relay that answer.
    out.on('response', (pr) => {
      answered = true;
      socket.write(`HTTP/1.1 ${pr.statusCode ?? 502} ${pr.statusMessage ?? ''}\r\n`);
      for (let i = 0; i < pr.rawHeaders.length; i += 2) {
        const k = pr.rawHeaders[i]!.toLowerCase();
        if (k !== 'connection' && k !== 'transfer-encoding') socket.write(`${pr.rawHeaders[i]}: ${pr.rawHeaders[i + 1]}\r\n`);
      }
      socket.write('connection: close\r\n\r\n');
      pr.on('data', (chunk: Buffer) => socket.write(chunk));
      pr.on('end', () => finishSocket(socket));
    });
    out.on('error', (e) => {
      if (answered) return void socket.destroy();
      refuseUpgrade(socket, 503, NO_POP_ERRNUM, `PoP ${target.name} (${target.url}) did not answer: ${e.message}`, req.method);
    });
    out.end();
  }

  close(): void {
    for (const t of this.tunnels) t.destroy();
    this.tunnels.clear();
    this.agent.destroy();
  }
}
