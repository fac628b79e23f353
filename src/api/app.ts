import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { requestId } from '../core/ids.js';
import { registerAuth } from './auth-hook.js';
import { authRoutes } from './auth-routes.js';
import { registerBodyParser } from './body.js';
import { fabricRoutes } from './fabrics.js';
import { keyRoutes } from './keys.js';
import { otpRoutes } from './otp.js';
import { userRoutes } from './users.js';
import { collectionRoutes } from './collection.js';
import { CLIENT_DELAY_HEADER, CLIENT_REGION_HEADER, type ApiContext } from './context.js';
import { cursorRoutes } from './cursor.js';
import { CursorStore } from './cursor-store.js';
import { datacenterRoutes } from './datacenter.js';
import { documentRoutes } from './document.js';
import { edgeRoutes } from './edges.js';
import { registerEndpoints } from './endpoints.js';
import { registerErrorHandler } from './error-handler.js';
import { GDN_ENDPOINTS } from './gdn-endpoints.js';
import { guardProblem } from './host-guard.js';
import { indexRoutes } from './indexes.js';
import { FabricParams } from './fields.js';
import { importExportRoutes } from './import-export.js';
import { importLinesRoutes } from './import-lines.js';
import { kvRoutes } from './kv.js';
import { OPENAPI_ROUTE, registerOpenApi } from './openapi.js';
import { canonicalUrl } from './paths.js';
import { queryRoutes } from './query.js';
import { restqlRoutes } from './restql.js';
import { runningQueryRoutes } from './running-queries.js';
import { guardApp, guardedOptions } from './server-guard.js';
import { streamRoutes } from './streams.js';
import { validatorCompiler } from './validation.js';
import { versionRoutes } from './version.js';

/** Routes that write nothing, or whose query runner waits for the write lock itself: killing a running query must not wait for it. */
const UNGATED_ROUTES = new Set([
  '/_fabric/:fabric/cursor',
  '/_fabric/:fabric/cursor/:id',
  '/_fabric/:fabric/query',
  '/_fabric/:fabric/explain',
  '/_fabric/:fabric/query/explain',
  '/_fabric/:fabric/query/:id',
  '/_fabric/:fabric/query/slow',
  '/_fabric/:fabric/restql/execute/:name',
  '/_fabric/:fabric/restql/fetch/:id',
]);

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { key: string; cert: string } | undefined;
}

/** Builds one PoP's Fastify app without listening, so tests can drive it with inject(). */
export function buildApp(ctx: ApiContext, opts: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: ctx.bodyLimit,
    ...guardedOptions(canonicalUrl),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;

  guardApp(app);
  registerErrorHandler(app);
  registerEndpoints(app, GDN_ENDPOINTS);
  registerBodyParser(app);
  app.setValidatorCompiler(validatorCompiler);

  // The per-request hooks take callbacks rather than being async: on a point read the promises
  // async hooks allocate are a measurable share of the whole request.
  app.addHook('onRequest', (req, reply, done) => {
    // First of all: a foreign Host or a cross-site write goes no further (host-guard.ts).
    const refused = guardProblem(req.method, req.headers, ctx.allowedHosts);
    if (refused) return done(refused);
    reply.header('x-gdn-region', ctx.region);
    reply.header('x-gdn-requestid', requestId(ctx.region, ctx.clock.now()));
    const client = req.headers[CLIENT_REGION_HEADER];
    let delay: number;
    try {
      delay = ctx.clientDelayMs(Array.isArray(client) ? client[0] : client);
    } catch (e) {
      return done(e as Error);
    }
    // Said back so that an edge function's log can show what each call to the fabric was charged.
    reply.header(CLIENT_DELAY_HEADER, String(Math.round(delay * 10) / 10));
    if (delay > 0) ctx.clock.setTimeout(() => done(), delay);
    else done();
  });

  // Writes share a group commit (storage/write-path.ts): answer only once they are committed.
  app.addHook('onSend', (_req, _reply, payload, done) => {
    ctx.storage.whenCommitted((err) => (err === undefined ? done(null, payload) : done(err as Error)));
  });

  registerAuth(app, ctx);

  // While the query executor writes (a long writing query, an index build), a request that may
  // write waits here instead of failing or blocking the loop on SQLite's lock.
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD' || UNGATED_ROUTES.has(req.routeOptions.url ?? '')) return done();
    const wait = (): void => {
      const busy = ctx.storage.writable();
      if (busy === undefined) done();
      else busy.then(wait, (e: unknown) => done(e as Error));
    };
    wait();
  });

  registerOpenApi(app, { title: `fabric-emu PoP ${ctx.region}`, path: OPENAPI_ROUTE, schema: { params: FabricParams } });
  app.register(authRoutes(ctx));
  app.register(userRoutes(ctx));
  app.register(keyRoutes(ctx));
  app.register(fabricRoutes(ctx));
  app.register(otpRoutes(ctx));
  app.register(datacenterRoutes(ctx));
  app.register(versionRoutes(ctx));
  app.register(collectionRoutes(ctx));
  app.register(documentRoutes(ctx));
  app.register(edgeRoutes(ctx));
  // One cursor store per app: a killed PoP loses its open cursors, as a crashed server would.
  const cursors = new CursorStore(() => ctx.clock.now());
  app.register(cursorRoutes(ctx, cursors));
  app.register(queryRoutes(ctx));
  app.register(runningQueryRoutes(ctx));
  app.register(indexRoutes(ctx));
  app.register(restqlRoutes(ctx, cursors));
  app.register(kvRoutes(ctx));
  app.register(importExportRoutes(ctx));
  app.register(importLinesRoutes(ctx));
  app.register(streamRoutes(ctx));
  return app;
}
