import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './context.js';
import { FabricParams } from './fields.js';

export function versionRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    // Public, as in GDN: clients (jsC8's version()) ask before they log in.
    app.get('/_fabric/:fabric/version', { config: { auth: 'public' }, schema: { params: FabricParams } }, async () => ({
      server: 'C8DB',
      license: 'Macrometa',
      version: ctx.version,
      details: { emulator: 'fabric-emu', region: ctx.region },
    }));
  };
}
