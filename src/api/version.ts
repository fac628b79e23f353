import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from './context.js';

export function versionRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    // Public, as in GDN: clients (jsC8's version()) ask before they log in.
    app.get('/_fabric/:fabric/version', { config: { auth: 'public' } }, async () => ({
      server: 'C8DB',
      license: 'Macrometa',
      version: ctx.version,
      details: { emulator: 'fabric-emu', region: ctx.region },
    }));
  };
}
