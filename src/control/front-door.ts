import { createServer as createHttpServer, type IncomingMessage, type OutgoingHttpHeaders, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { guardProblem, hostName, type AllowedHosts } from '../api/host-guard.js';
import { guardRequest, guardServer, guardUpgrade } from '../api/server-guard.js';
import { ERRORS } from '../core/errors.js';
import { dialHost } from '../core/dial-host.js';
import { routeOfHost } from '../core/gdn-hosts.js';
import { helloServerName } from './client-hello.js';
import { GlobalForwarder } from './forward.js';
import { envelope, NO_POP_ERRNUM, PopProxy, refuseUpgrade, type ProxyTarget } from './proxy.js';
import type { GlobalRouting, RouteTarget } from './route-table.js';

/** Where the CA certificate can be downloaded from, unauthenticated, under every front-door name. */
export const CA_PATH = '/_emu/ca.pem';
/** On the plain global port: the front door's port and CA, for clients that know only that URL. */
export const HTTPS_INFO_PATH = '/_emu/https';

/** Node's TLS handshake timeout (tls.createServer's handshakeTimeout default), applied to the wait for a ClientHello. */
export const HELLO_TIMEOUT_MS = 120_000;

export interface FrontDoorOptions {
  routing: GlobalRouting;
  /** The global server's plain URL: /_emu under the global names is its emulator control. */
  controlUrl: () => string;
  tls: { cert: string; key: string; ca: string };
  /** How long a connection may take to send its ClientHello; HELLO_TIMEOUT_MS unless set. */
  helloTimeoutMs?: number;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

const isControl = (path: string) => path === '/_emu' || path.startsWith('/_emu/');

/** Answers a download of the CA certificate (true), which needs no credentials under any name. */
export function caDownload(req: IncomingMessage, res: ServerResponse, ca: string, allowed: AllowedHosts): boolean {
  const method = req.method ?? 'GET';
  if (pathOf(req) !== CA_PATH || (method !== 'GET' && method !== 'HEAD') || guardProblem(method, req.headers, allowed)) return false;
  req.resume();
  res.writeHead(200, { 'content-type': 'application/x-pem-file', 'content-length': Buffer.byteLength(ca) });
  res.end(method === 'HEAD' ? undefined : ca);
  return true;
}

/** What a PoP may want to know of the hop it came through; a client's own claims are replaced. */
export function forwardedBy(req: IncomingMessage): OutgoingHttpHeaders {
  return { 'x-forwarded-proto': 'https', 'x-forwarded-host': req.headers.host ?? '' };
}

type Decision =
  | { to: 'global' }
  | { to: 'control'; target: ProxyTarget }
  | { to: 'pop'; target: RouteTarget }
  | { refuse: { status: number; errorNum: number; message: string } };

/**
 * The fabric's one HTTPS port (spec/gdn-api.md §1.1): it routes by Host name and only routes. TLS
 * ends here; `api-<region>.localhost` and `<region>.localhost` go to that PoP's plain port,
 * `api-gdn.localhost`, `gdn.localhost` and the bare loopback names to the global URL (the live PoP
 * nearest the client, as the global port does), WebSocket upgrades included. It answers only the
 * names it routes, after the same host guard as every port (a foreign Host or a cross-site write is
 * refused), and hands each PoP a Host that PoP accepts; credentials pass through untouched, since
 * each PoP checks them itself.
 *
 * A connection whose TLS ClientHello names a live PoP that has a door of its own (pop-door.ts, TLS
 * on the PoP's thread) is passed to that door byte for byte: no TLS and no HTTP here, which was most
 * of this thread's work per request (npm run bench). Every other connection (the global names, an
 * IP address without a name, a PoP that is down or has no door) is terminated here as before, and
 * so is whatever a PoP's door hands back (a Host that is not its own) over the loopback port.
 */
export class FrontDoor {
  /** TLS and HTTP for the connections this door terminates itself; fed by `listener`, never listening. */
  readonly server: Server;
  /** The public port: reads each ClientHello's server name and passes the connection on. */
  private readonly listener: NetServer;
  /** Plain HTTP on loopback, for the requests PoP doors hand back; routed as those on `server`. */
  private readonly back: HttpServer;
  private readonly sockets = new Set<Socket>();
  private readonly global: GlobalForwarder;
  private readonly proxy: PopProxy;

  constructor(private readonly o: FrontDoorOptions) {
    this.proxy = new PopProxy(o.routing.bodyLimit);
    this.global = new GlobalForwarder(o.routing);
    // Like every server's (api/server-guard.ts): nothing a client sends can throw out of a handler,
    // and a request Node cannot parse, oversized headers or a CONNECT still get the envelope.
    this.server = createServer({ cert: o.tls.cert, key: o.tls.key }, guardRequest((req, res) => this.handle(req, res)));
    this.server.on('upgrade', guardUpgrade((req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head)));
    guardServer(this.server, { clientErrors: true });
    this.back = createHttpServer(guardRequest((req, res) => this.handle(req, res)));
    this.back.on('upgrade', guardUpgrade((req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head)));
    guardServer(this.back, { clientErrors: true });
    this.listener = createNetServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Waits for the ClientHello's first record, then passes the connection to a PoP's door or terminates it here. */
  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    let seen: Buffer = Buffer.alloc(0);
    // A client that never finishes its hello holds a socket no longer than TLS would let it.
    socket.setTimeout(this.o.helloTimeoutMs ?? HELLO_TIMEOUT_MS, () => socket.destroy());
    const onData = (chunk: Buffer) => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const hello = helloServerName(seen);
      if (hello.kind === 'more') return;
      socket.setTimeout(0);
      socket.off('data', onData);
      socket.pause();
      const door = hello.kind === 'name' ? this.doorOf(hello.name) : undefined;
      if (door) return this.pipe(socket, seen, door);
      this.terminate(socket, seen);
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  }

  private doorOf(serverName: string): { host: string; port: number } | undefined {
    const route = routeOfHost(serverName, this.o.routing.topology.regions.map((r) => r.name));
    if (route.kind !== 'region') return undefined;
    const target = this.o.routing.targets().find((t) => t.name === route.region);
    return target?.live ? target.door : undefined;
  }

  /** Copies bytes both ways once the door answers; a door that cannot be reached leaves the connection to this one. */
  private pipe(socket: Socket, hello: Buffer, door: { host: string; port: number }): void {
    const upstream = connect({ host: door.host, port: door.port, noDelay: true });
    this.sockets.add(upstream);
    const here = () => {
      this.sockets.delete(upstream);
      this.terminate(socket, hello);
    };
    upstream.once('error', here);
    upstream.once('connect', () => {
      upstream.off('error', here);
      if (socket.destroyed) return void upstream.destroy();
      const end = () => {
        socket.destroy();
        upstream.destroy();
        this.sockets.delete(upstream);
      };
      socket.on('close', end);
      upstream.on('close', end).on('error', end);
      upstream.write(hello);
      socket.pipe(upstream).pipe(socket);
    });
  }

  /** TLS and HTTP here, from the first bytes on. */
  private terminate(socket: Socket, seen: Buffer): void {
    if (socket.destroyed) return;
    socket.unshift(seen);
    this.server.emit('connection', socket);
  }

  private decide(req: IncomingMessage): Decision {
    const refused = guardProblem(req.method, req.headers, this.o.routing.allowedHosts);
    if (refused) return { refuse: { status: refused.status, errorNum: refused.errorNum, message: refused.message } };
    const host = typeof req.headers.host === 'string' ? hostName(req.headers.host) : '';
    const regions = this.o.routing.topology.regions.map((r) => r.name);
    const route = routeOfHost(host, regions);
    if (route.kind === 'unknown') {
      const message = `host '${host}' routes nowhere: this HTTPS front door serves api-gdn.localhost and gdn.localhost (the global URL), and api-<region>.localhost or <region>.localhost for the regions ${regions.join(', ')}`;
      return { refuse: { status: 404, errorNum: ERRORS.NOT_FOUND.errorNum, message } };
    }
    if (route.kind === 'global') {
      return isControl(pathOf(req)) ? { to: 'control', target: { name: 'the global server', url: this.o.controlUrl(), pop: false } } : { to: 'global' };
    }
    const target = this.o.routing.targets().find((t) => t.name === route.region);
    if (!target?.live) {
      const message = `PoP ${route.region} is killed or stopped; restart it with 'fabric-emu restart ${route.region}', or use the global URL (api-gdn.localhost) to reach the nearest live PoP`;
      return { refuse: { status: 503, errorNum: NO_POP_ERRNUM, message } };
    }
    return { to: 'pop', target };
  }

  private forwarded(req: IncomingMessage): OutgoingHttpHeaders {
    return forwardedBy(req);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (caDownload(req, res, this.o.tls.ca, this.o.routing.allowedHosts)) return;
    const d = this.decide(req);
    if ('refuse' in d) {
      req.resume();
      return envelope(res, d.refuse.status, d.refuse.errorNum, d.refuse.message);
    }
    if (d.to === 'global') return this.global.handle(req, res, this.forwarded(req));
    this.proxy.forward(req, res, d.target, this.forwarded(req));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const d = this.decide(req);
    if ('refuse' in d) return refuseUpgrade(socket, d.refuse.status, d.refuse.errorNum, d.refuse.message, req.method);
    if (d.to === 'global') return this.global.upgrade(req, socket, head, this.forwarded(req));
    if (d.to === 'control') return refuseUpgrade(socket, 404, ERRORS.NOT_FOUND.errorNum, `no WebSocket endpoint at '${pathOf(req)}' of the global URL`, req.method);
    this.proxy.upgrade(req, socket, head, d.target, this.forwarded(req));
  }

  /** Listens on `port` and, for the PoP doors, on a loopback port of its own (`backUrl`). */
  async listen(host: string, port: number): Promise<number> {
    // The public port first: a port picked ahead (ports.ts) must not be taken by the back port's bind(0).
    await listenOn(this.listener, host, port);
    await listenOn(this.back, dialHost(host).replace(/^\[|\]$/g, ''), 0);
    return this.port();
  }

  port(): number {
    return portOf(this.listener);
  }

  /** Where a PoP's door sends what is not its own, with the client's Host. */
  backUrl(): string {
    const a = this.back.address();
    return `http://${dialHost(typeof a === 'object' && a ? a.address : '127.0.0.1')}:${portOf(this.back)}`;
  }

  async close(): Promise<void> {
    this.global.close();
    this.proxy.close();
    const closing = [this.listener, this.back].filter((s) => s.listening).map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.server.closeAllConnections();
    this.back.closeAllConnections();
    await Promise.all(closing);
  }
}

function listenOn(server: NetServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function portOf(server: NetServer): number {
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}
