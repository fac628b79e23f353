import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { hostName, type AllowedHosts } from '../api/host-guard.js';
import { guardRequest, guardServer, guardUpgrade } from '../api/server-guard.js';
import { routeOfHost } from '../core/gdn-hosts.js';
import { PopProxy, type ProxyTarget } from './proxy.js';
import type { LocalServer } from './route-table.js';
import { caDownload, forwardedBy } from './front-door.js';

export interface PopDoorOptions {
  /** The PoP this door serves. */
  region: string;
  /** Every region of the fabric: a Host names one of them, or the global URL. */
  regions: readonly string[];
  tls: { cert: string; key: string; ca: string };
  /** The PoP's HTTP server while it serves; undefined while it is killed or not yet started. */
  local: () => LocalServer | undefined;
  /** The front door's own loopback port (plain HTTP), which routes by Host as the HTTPS port does. */
  frontDoorUrl: string;
  bodyLimit: number;
  allowedHosts: AllowedHosts;
}

/**
 * The TLS end of the HTTPS front door for one PoP, on that PoP's event loop. The front door passes
 * a connection whose ClientHello names this PoP (api-<region>.localhost, <region>.localhost) through
 * here byte for byte, so TLS and HTTP are done once, on the PoP's thread, and each request is handed
 * to the PoP's server in this process. Whatever the front door would have sent elsewhere (a Host
 * naming another PoP or the global URL, a killed PoP) goes back to it over its loopback port with
 * the client's Host, so a client sees the same answers whichever way its connection came.
 */
export class PopDoor {
  readonly server: Server;
  private readonly proxy: PopProxy;
  private readonly back: ProxyTarget;

  constructor(private readonly o: PopDoorOptions) {
    this.proxy = new PopProxy(o.bodyLimit);
    this.back = { name: 'the HTTPS front door', url: o.frontDoorUrl, pop: false, keepHost: true };
    this.server = createServer({ cert: o.tls.cert, key: o.tls.key }, guardRequest((req, res) => this.handle(req, res)));
    this.server.on('upgrade', guardUpgrade((req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head)));
    guardServer(this.server, { clientErrors: true });
  }

  /** This PoP's server when the request's Host names this PoP and it serves; else the front door decides. */
  private here(req: IncomingMessage): ProxyTarget | undefined {
    const host = typeof req.headers.host === 'string' ? hostName(req.headers.host) : '';
    const route = routeOfHost(host, this.o.regions);
    if (route.kind !== 'region' || route.region !== this.o.region) return undefined;
    const local = this.o.local();
    return local && { name: this.o.region, url: this.o.frontDoorUrl, server: () => local };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (caDownload(req, res, this.o.tls.ca, this.o.allowedHosts)) return;
    const target = this.here(req);
    if (target) return this.proxy.forward(req, res, target, forwardedBy(req));
    this.proxy.forward(req, res, this.back);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = this.here(req);
    if (target) return this.proxy.upgrade(req, socket, head, target, forwardedBy(req));
    this.proxy.upgrade(req, socket, head, this.back);
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
  }

  async close(): Promise<void> {
    this.proxy.close();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
