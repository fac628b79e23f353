import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { guardProblem, hostName } from '../api/host-guard.js';
import { guardRequest, guardServer, guardUpgrade } from '../api/server-guard.js';
import { ERRORS } from '../core/errors.js';
import { routeOfHost } from '../core/gdn-hosts.js';
import { GlobalForwarder } from './forward.js';
import { envelope, NO_POP_ERRNUM, PopProxy, refuseUpgrade, type ProxyTarget } from './proxy.js';
import type { GlobalRouting, RouteTarget } from './route-table.js';

/** Where the CA certificate can be downloaded from, unauthenticated, under every front-door name. */
export const CA_PATH = '/_emu/ca.pem';
/** On the plain global port: the front door's port and CA, for clients that know only that URL. */
export const HTTPS_INFO_PATH = '/_emu/https';

export interface FrontDoorOptions {
  routing: GlobalRouting;
  /** The global server's plain URL: /_emu under the global names is its emulator control. */
  controlUrl: () => string;
  tls: { cert: string; key: string; ca: string };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

const isControl = (path: string) => path === '/_emu' || path.startsWith('/_emu/');

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
 */
export class FrontDoor {
  readonly server: Server;
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

  /** What the PoP may want to know of the hop it came through; a client's own claims are replaced. */
  private forwarded(req: IncomingMessage): OutgoingHttpHeaders {
    return { 'x-forwarded-proto': 'https', 'x-forwarded-host': req.headers.host ?? '' };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    if (pathOf(req) === CA_PATH && (method === 'GET' || method === 'HEAD') && !guardProblem(method, req.headers, this.o.routing.allowedHosts)) {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/x-pem-file', 'content-length': Buffer.byteLength(this.o.tls.ca) });
      return void res.end(method === 'HEAD' ? undefined : this.o.tls.ca);
    }
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

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.port());
      });
    });
  }

  port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  async close(): Promise<void> {
    this.global.close();
    this.proxy.close();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
