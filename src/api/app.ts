import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { gdnError } from '../core/errors.js';
import { requestId } from '../core/ids.js';
import { registerBodyParser } from './body.js';
import { collectionRoutes } from './collection.js';
import { CLIENT_DELAY_HEADER, CLIENT_REGION_HEADER, type ApiContext } from './context.js';
import { cursorRoutes } from './cursor.js';
import { CursorStore } from './cursor-store.js';
import { datacenterRoutes } from './datacenter.js';
import { documentRoutes } from './document.js';
import { registerEndpoints } from './endpoints.js';
import { registerErrorHandler } from './error-handler.js';
import { GDN_ENDPOINTS } from './gdn-endpoints.js';
import { guardProblem } from './host-guard.js';
import { indexRoutes } from './indexes.js';
import { FabricParams } from './fields.js';
import { kvRoutes } from './kv.js';
import { OPENAPI_ROUTE, registerOpenApi } from './openapi.js';
import { normalizeUrl } from './paths.js';
import { queryRoutes } from './query.js';
import { restqlRoutes } from './restql.js';
import { validatorCompiler } from './validation.js';
import { versionRoutes } from './version.js';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { key: string; cert: string } | undefined;
}

/** Builds one PoP's Fastify app without listening, so tests can drive it with inject(). */
export function buildApp(ctx: ApiContext, opts: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: ctx.bodyLimit,
    rewriteUrl: (req) => normalizeUrl(req.url ?? '/').url,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;

  registerErrorHandler(app);
  registerEndpoints(app, GDN_ENDPOINTS);
  registerBodyParser(app);
  app.setValidatorCompiler(validatorCompiler);

  // First of all: a foreign Host or a cross-site write goes no further (host-guard.ts).
  app.addHook('onRequest', async (req) => {
    const refused = guardProblem(req.method, req.headers, ctx.allowedHosts);
    if (refused) throw refused;
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-gdn-region', ctx.region);
    reply.header('x-gdn-requestid', requestId(ctx.region, ctx.clock.now()));
    const client = req.headers[CLIENT_REGION_HEADER];
    const delay = ctx.clientDelayMs(Array.isArray(client) ? client[0] : client);
    // Said back so that an edge function's log can show what each call to the fabric was charged.
    reply.header(CLIENT_DELAY_HEADER, String(Math.round(delay * 10) / 10));
    if (delay > 0) await ctx.clock.sleep(delay);
  });

  // Writes share a group commit (storage/write-path.ts): answer only once they are committed.
  app.addHook('onSend', async () => {
    await ctx.storage.committed();
  });

  // Before validation, so that an unknown fabric answers 1228 whatever else is wrong with the request.
  app.addHook('preValidation', async (req) => {
    const fabric = (req.params as { fabric?: string } | undefined)?.fabric;
    if (fabric !== undefined && !ctx.hasFabric(fabric)) throw gdnError('DATABASE_NOT_FOUND', `database not found: ${fabric}`);
  });

  registerOpenApi(app, { title: `fabric-emu PoP ${ctx.region}`, path: OPENAPI_ROUTE, schema: { params: FabricParams } });
  app.register(datacenterRoutes(ctx));
  app.register(versionRoutes(ctx));
  app.register(collectionRoutes(ctx));
  app.register(documentRoutes(ctx));
  // One cursor store per app: a killed PoP loses its open cursors, as a crashed server would.
  const cursors = new CursorStore(() => ctx.clock.now());
  app.register(cursorRoutes(ctx, cursors));
  app.register(queryRoutes(ctx));
  app.register(indexRoutes(ctx));
  app.register(restqlRoutes(ctx, cursors));
  app.register(kvRoutes(ctx));
  return app;
}
