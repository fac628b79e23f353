import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { endSocket, writeError } from '../core/http-errors.js';
import { ERRORS, gdnError, GdnError } from '../core/errors.js';
import { CLIENT_REGION, clientPlace, decideRoute, type GlobalRouting, type RouteDecision } from './route-table.js';

/** Headers that describe one hop (RFC 9110 §7.6.1), not the message: never copied across. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

/** GDN has no errorNum for "no server"; the registry reuses the HTTP status, as for 404, 405 and 413. */
export const NO_POP_ERRNUM = ERRORS.SERVICE_UNAVAILABLE.errorNum;

function copyHeaders(h: IncomingHttpHeaders, drop: readonly string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !drop.includes(k)) out[k] = v;
  return out;
}

export function noPop(routing: GlobalRouting): string {
  return `no PoP is up: every region of the fabric (${routing.targets().map((t) => t.name).join(', ')}) is killed or stopped; restart one with 'fabric-emu restart REGION'`;
}

/**
 * The geo-routing reverse proxy of the global URL. Bodies are piped both ways, never buffered, so a
 * large batch insert or a long cursor response costs no more memory here than at the PoP.
 */
export class GlobalForwarder {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly tunnels = new Set<Duplex>();

  constructor(private readonly routing: GlobalRouting) {}

  private decide(req: IncomingMessage): RouteDecision | undefined {
    return decideRoute(this.routing, clientPlace(this.routing, req.headers));
  }

  private outgoing(req: IncomingMessage, d: RouteDecision, drop: readonly string[]) {
    const url = new URL(d.target.url);
    const headers = copyHeaders(req.headers, drop);
    headers['host'] = url.host;
    headers[CLIENT_REGION] = d.clientRegion;
    return { hostname: url.hostname, port: url.port, method: req.method ?? 'GET', path: req.url ?? '/', headers };
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    let d: RouteDecision | undefined;
    try {
      d = this.decide(req);
    } catch (e) {
      if (!(e instanceof GdnError)) throw e;
      req.resume();
      return writeError(res, e);
    }
    if (!d) {
      req.resume();
      return writeError(res, gdnError('SERVICE_UNAVAILABLE', noPop(this.routing)));
    }
    const target = d.target;
    const out = request({ ...this.outgoing(req, d, HOP_BY_HOP), agent: this.agent });
    out.on('response', (pr) => {
      const headers = copyHeaders(pr.headers, [...HOP_BY_HOP, 'transfer-encoding']);
      headers['x-gdn-region'] ??= target.name;
      res.writeHead(pr.statusCode ?? 502, headers);
      pr.pipe(res);
    });
    out.on('error', (e) => {
      if (res.headersSent) return res.destroy(e);
      writeError(res, gdnError('SERVICE_UNAVAILABLE', `PoP ${target.name} (${target.url}) did not answer: ${e.message}`));
    });
    // The client went away before the PoP finished: stop the PoP side too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  }

  /** WebSocket and other upgrades: one raw tunnel to the chosen PoP. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // One answer per socket: a PoP that answered and then failed must not get a second one written after it.
    let answered = false;
    const refuse = (e: GdnError): void => {
      if (answered) {
        socket.destroy();
        return;
      }
      answered = true;
      endSocket(socket, e, req.method);
    };
    let d: RouteDecision | undefined;
    try {
      d = this.decide(req);
    } catch (e) {
      if (!(e instanceof GdnError)) throw e;
      refuse(e);
      return;
    }
    if (!d) {
      refuse(gdnError('SERVICE_UNAVAILABLE', noPop(this.routing)));
      return;
    }
    const opts = this.outgoing(req, d, HOP_BY_HOP.filter((h) => h !== 'upgrade' && h !== 'connection'));
    const out = request({ ...opts, agent: false });
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
      pr.pipe(socket);
    });
    out.on('error', (e) => refuse(gdnError('SERVICE_UNAVAILABLE', `PoP ${d.target.name} (${d.target.url}) did not answer: ${e.message}`)));
    out.end();
  }

  close(): void {
    for (const t of this.tunnels) t.destroy();
    this.tunnels.clear();
    this.agent.destroy();
  }
}
