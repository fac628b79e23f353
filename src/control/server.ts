import { createServer, type IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerBodyParser } from '../api/body.js';
import { registerEndpoints } from '../api/endpoints.js';
import { registerErrorHandler } from '../api/error-handler.js';
import { endSocket, writeError } from '../core/http-errors.js';
import { guardProblem } from '../api/host-guard.js';
import { registerOpenApi } from '../api/openapi.js';
import { guardApp, guardedOptions, guardRequest, guardUpgrade } from '../api/server-guard.js';
import { schemaController, validatorCompiler } from '../api/validation.js';
import { GlobalForwarder } from './forward.js';
import { gdnError } from '../core/errors.js';
import { GLOBAL_LABEL, LOCAL_DOMAIN } from '../core/gdn-hosts.js';
import { CA_PATH, HTTPS_INFO_PATH } from './front-door.js';
import { routeRoutes } from './route-routes.js';
import type { GlobalRouting } from './route-table.js';
import { controlRoutes } from './routes.js';
import { snapshotRoutes } from './snapshot-routes.js';
import type { FabricControl } from './types.js';

function isControl(req: IncomingMessage): boolean {
  const path = (req.url ?? '/').split('?')[0]!;
  return path === '/_emu' || path.startsWith('/_emu/');
}

/**
 * The fabric-wide server on the global port: emulator control under /_emu, and every other request
 * forwarded to the live PoP nearest the client (the geo-routed global URL). The split happens before
 * Fastify so that forwarded bodies stream through untouched.
 */
/** What /_emu/https tells clients of the front door (src/tls FabricHttps). */
export interface FrontDoorInfo {
  port: number;
  address: string;
  ca: string;
  caFile: string | undefined;
}

export interface ControlAppOptions {
  /** The HTTPS front door, once it listens; undefined while there is none. */
  https?: () => FrontDoorInfo | undefined;
  /** The dev API key GET/POST /_emu/snapshot need (snapshot-routes.ts); undefined with auth off. */
  snapshotKey?: string | undefined;
}

export function buildControlApp(control: FabricControl, routing: GlobalRouting, opts: ControlAppOptions = {}): FastifyInstance {
  const forwarder = new GlobalForwarder(routing);
  const app = Fastify({
    logger: false,
    return503OnClosing: true,
    schemaController,
    forceCloseConnections: 'idle',
    ...guardedOptions(),
    serverFactory: (handler) => {
      const server = createServer(
        guardRequest((req, res) => {
          // /_emu goes through Fastify, whose hook checks the same; forwarded requests are checked here.
          if (isControl(req)) return handler(req, res);
          const refused = guardProblem(req.method, req.headers, routing.allowedHosts);
          if (!refused) return forwarder.handle(req, res);
          req.resume();
          writeError(res, refused);
        }),
      );
      server.on(
        'upgrade',
        guardUpgrade((req, socket, head) => {
          const refused = guardProblem(req.method, req.headers, routing.allowedHosts);
          if (refused) endSocket(socket, refused, req.method);
          else if (isControl(req)) endSocket(socket, gdnError('NOT_FOUND', `no WebSocket endpoint at '${(req.url ?? '/').split('?')[0]}' of the global port`), req.method);
          else forwarder.upgrade(req, socket, head);
        }),
      );
      return server;
    },
  }) as unknown as FastifyInstance;
  guardApp(app);
  registerErrorHandler(app);
  registerEndpoints(app, []);
  registerBodyParser(app);
  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onRequest', async (req) => {
    const refused = guardProblem(req.method, req.headers, routing.allowedHosts);
    if (refused) throw refused;
  });
  // Unauthenticated on purpose: a client needs the CA before it can make a verified request.
  const door = () => {
    const info = opts.https?.();
    if (!info) throw gdnError('NOT_FOUND', 'this fabric runs no HTTPS front door');
    return info;
  };
  app.get(CA_PATH, async (_req, reply) => reply.type('application/x-pem-file').send(door().ca));
  app.get(HTTPS_INFO_PATH, async () => {
    const { port, address, ca, caFile } = door();
    return { port, address, ca, caFile: caFile ?? null, url: `https://${GLOBAL_LABEL}.${LOCAL_DOMAIN}:${port}` };
  });
  registerOpenApi(app, { title: 'fabric-emu control (global port)', path: '/_emu/openapi.json' });
  app.register(controlRoutes(control));
  app.register(snapshotRoutes(control, { apiKey: opts.snapshotKey }));
  app.register(routeRoutes(routing));
  app.addHook('onClose', async () => forwarder.close());
  return app;
}
