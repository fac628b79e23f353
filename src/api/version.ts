import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './context.js';
import { FabricParams } from './fields.js';

export function versionRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/_fabric/:fabric/version', { schema: { params: FabricParams } }, async () => ({
      server: 'C8DB',
      license: 'Macrometa',
      version: ctx.version,
      details: { emulator: 'fabric-emu', region: ctx.region },
    }));
  };
}
