import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/*
 * HEAD through the GET route: RFC 9110 §9.3.2 makes HEAD a GET without the content. Fastify's own
 * HEAD routes double every GET route in the router (63 of a PoP's 224 routes), and registering
 * routes is most of what a PoP's start costs (issue 12). So a PoP's app registers none: the URL
 * rewrite, which runs before routing, routes a HEAD as a GET, and the app's first hook gives the
 * request its method back, so that hooks and handlers see HEAD as they did with HEAD routes.
 */
const HEAD = Symbol('fabric-emu.head');
type Marked = IncomingMessage & { [HEAD]?: true };

/** Before routing: a HEAD request is routed as GET. */
export function routeHeadAsGet(req: IncomingMessage): void {
  if (req.method !== 'HEAD') return;
  req.method = 'GET';
  (req as Marked)[HEAD] = true;
}

/** The app's first onRequest hook: the request routed as GET is a HEAD again. */
export function restoreHead(req: FastifyRequest): void {
  if ((req.raw as Marked)[HEAD]) req.raw.method = 'HEAD';
}

/**
 * What a reply sends for `payload`: nothing for a HEAD request, with the content-length the GET's
 * content would have had (as Fastify's HEAD routes do; inject() would otherwise return the body).
 */
export function headPayload(req: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  if (!(req.raw as Marked)[HEAD]) return payload;
  if (payload === undefined || payload === null) {
    reply.header('content-length', '0');
  } else if (typeof (payload as { resume?: unknown }).resume === 'function') {
    (payload as NodeJS.ReadableStream).on('error', () => undefined).resume();
  } else if (typeof (payload as { cancel?: unknown }).cancel === 'function') {
    (payload as ReadableStream).cancel().catch(() => undefined);
  } else {
    reply.header('content-length', String(Buffer.byteLength(payload as string | Buffer)));
  }
  return null;
}
