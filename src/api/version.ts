import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from './context.js';
import { boolParam, type Query } from './params.js';

/**
 * `GET /_api/version` as jsC8 checks it (spec/gdn-api.md §3.3: `server === "C8DB"`). As in ArangoDB,
 * `details` is there only when asked for (`?details=true`); jsC8 sends `details=false`.
 */
export function versionRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Query }>('/_fabric/:fabric/version', async (req) => ({
      server: 'C8DB',
      license: 'Macrometa',
      version: ctx.version,
      ...(boolParam(req.query, 'details', false)
        ? { details: { emulator: 'fabric-emu', region: ctx.region, mode: 'server', 'https-front-door': ctx.httpsPort() === undefined ? 'none' : String(ctx.httpsPort()) } }
        : {}),
    }));
  };
}
