import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { gdnError, GdnError } from '../core/errors.js';
import { endSocket, onClientError, onConnect, writeError } from '../core/http-errors.js';
import { asGdnError, sendError } from './error-handler.js';

/*
 * What every server of fabric-emu does with what reaches it outside a route: a request Node cannot
 * parse, a URL the rewrite or the router refuses, a CONNECT, an upgrade, a handler of a raw server.
 * Each of these runs outside Fastify's error handler, where one throw would end the process and,
 * in one-process mode, every PoP and the global port with it. Each answers the GDN envelope instead.
 */

/** A document key is at most 254 bytes, each up to three characters percent-encoded. */
export const MAX_PARAM_LENGTH = 1024;

type Log = (msg: string) => void;
const defaultLog: Log = (msg) => console.error(`fabric-emu: ${msg}`);

const BAD_URL = Symbol('fabric-emu.badUrl');
type MarkedRequest = IncomingMessage & { [BAD_URL]?: GdnError };

/**
 * Wraps a URL rewrite so that it cannot throw: a URL it fails on is routed nowhere and answered 400
 * by the first onRequest hook (installed by guardApp).
 */
function safeRewrite(rewrite: (url: string) => string): (req: IncomingMessage) => string {
  return (req) => {
    try {
      return rewrite(req.url ?? '/');
    } catch (e) {
      (req as MarkedRequest)[BAD_URL] = gdnError('BAD_PARAMETER', `malformed URL '${req.url}': ${(e as Error).message}`);
      return '/';
    }
  };
}

/** The Fastify options every app takes: its own error paths answer the envelope, parameters fit every valid key. */
export function guardedOptions(rewrite?: (url: string) => string): Partial<FastifyServerOptions> {
  return {
    ...(rewrite ? { rewriteUrl: safeRewrite(rewrite) } : {}),
    clientErrorHandler: onClientError,
    frameworkErrors: (err: Error, _req: FastifyRequest, reply: FastifyReply) => sendError(reply, asGdnError(err).error),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  };
}

/** An upgrade handler that cannot throw: a failure closes that socket with an envelope. */
export function guardUpgrade(handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void, log: Log = defaultLog) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    try {
      handler(req, socket, head);
    } catch (e) {
      const { error, unexpected } = asGdnError(e);
      if (unexpected) log(`upgrade of ${req.method} ${req.url} failed: ${(e as Error).stack ?? String(e)}`);
      endSocket(socket, error, req.method);
    }
  };
}

/** A raw request listener that cannot throw or reject: a failure answers the envelope (or cuts a started answer). */
export function guardRequest(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>, log: Log = defaultLog) {
  const fail = (req: IncomingMessage, res: ServerResponse, e: unknown) => {
    const { error, unexpected } = asGdnError(e);
    if (unexpected) log(`${req.method} ${req.url} failed: ${(e as Error)?.stack ?? String(e)}`);
    if (res.headersSent || res.destroyed) res.destroy();
    else writeError(res, error);
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.on('error', () => undefined);
    try {
      const p = handler(req, res);
      if (p) p.catch((e: unknown) => fail(req, res, e));
    } catch (e) {
      fail(req, res, e);
    }
  };
}

/**
 * The server-level half: CONNECT (which Node hands to no request handler) is refused with 405, and
 * a raw server's unparseable requests get the envelope as Fastify's do.
 */
export function guardServer(server: Server, opts: { clientErrors: boolean }): void {
  server.on('connect', onConnect);
  if (opts.clientErrors) server.on('clientError', onClientError);
}

/** The app-level half: the first hook answers a URL the rewrite failed on; the server gets guardServer. */
export function guardApp(app: FastifyInstance): void {
  // A callback, not an async hook: its promise would cost every request a microtask.
  app.addHook('onRequest', (req, _reply, done) => done((req.raw as MarkedRequest)[BAD_URL]));
  guardServer(app.server, { clientErrors: false });
}
