import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from './context.js';

export function versionRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/_fabric/:fabric/version', async () => ({
      server: 'C8DB',
      license: 'Macrometa',
      version: ctx.version,
      details: { emulator: 'fabric-emu', region: ctx.region },
    }));
  };
}
