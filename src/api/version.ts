import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './context.js';
import { FabricParams, queryBool } from './fields.js';

const VersionQuery = z.object({ details: queryBool(false) });

/**
 * `GET /_api/version` as jsC8 checks it (spec/gdn-api.md §3.3: `server === "C8DB"`). As in ArangoDB,
 * `details` is there only when asked for (`?details=true`); jsC8 sends `details=false`.
 */
export function versionRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Public, as in GDN: clients (jsC8's version()) ask before they log in.
    app.get('/_fabric/:fabric/version', { config: { auth: 'public' }, schema: { params: FabricParams, querystring: VersionQuery } }, async (req) => ({
      server: 'C8DB',
      license: 'Macrometa',
      version: ctx.version,
      ...(req.query.details
        ? { details: { emulator: 'fabric-emu', region: ctx.region, mode: 'server', 'https-front-door': ctx.httpsPort() === undefined ? 'none' : String(ctx.httpsPort()) } }
        : {}),
    }));
  };
}
