import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GdnError } from '../core/errors.js';
import { envelope, NO_POP_ERRNUM, PopProxy, refuseUpgrade } from './proxy.js';
import { CLIENT_REGION, clientPlace, decideRoute, type GlobalRouting, type RouteDecision } from './route-table.js';

export { NO_POP_ERRNUM };

export function noPop(routing: GlobalRouting): string {
  return `no PoP is up: every region of the fabric (${routing.targets().map((t) => t.name).join(', ')}) is killed or stopped; restart one with 'fabric-emu restart REGION'`;
}

/** The geo-routing of the global URL: each request goes to the live PoP nearest its client. */
export class GlobalForwarder {
  private readonly proxy: PopProxy;

  constructor(private readonly routing: GlobalRouting) {
    this.proxy = new PopProxy(routing.bodyLimit);
  }

  /** The route, or the envelope already sent; a bad x-gdn-client-* header is the client's error. */
  private decide(req: IncomingMessage, refuse: (status: number, errorNum: number, msg: string) => void): RouteDecision | undefined {
    let d: RouteDecision | undefined;
    try {
      d = decideRoute(this.routing, clientPlace(this.routing, req.headers));
    } catch (e) {
      if (!(e instanceof GdnError)) throw e;
      refuse(e.status, e.errorNum, e.message);
      return undefined;
    }
    if (!d) refuse(503, NO_POP_ERRNUM, noPop(this.routing));
    return d;
  }

  /** `set`: headers to add, e.g. what the HTTPS front door saw. */
  handle(req: IncomingMessage, res: ServerResponse, set: OutgoingHttpHeaders = {}): void {
    const d = this.decide(req, (status, errorNum, msg) => {
      req.resume();
      envelope(res, status, errorNum, msg);
    });
    if (d) this.proxy.forward(req, res, d.target, { ...set, [CLIENT_REGION]: d.clientRegion });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, set: OutgoingHttpHeaders = {}): void {
    const d = this.decide(req, (status, errorNum, msg) => refuseUpgrade(socket, status, errorNum, msg, req.method));
    if (d) this.proxy.upgrade(req, socket, head, d.target, { ...set, [CLIENT_REGION]: d.clientRegion });
  }

  close(): void {
    this.proxy.close();
  }
}
