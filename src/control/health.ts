import type { FastifyPluginAsync } from 'fastify';

export interface HealthTarget {
  regions(): { name: string; url: string; listening: boolean }[];
}

/** `/_emu/health`: 200 only when every PoP listens, so scripts and CI can wait on it. */
export function healthRoutes(target: HealthTarget): FastifyPluginAsync {
  return async (app) => {
    app.get('/_emu/health', async (_req, reply) => {
      const regions = target.regions();
      const ok = regions.every((r) => r.listening);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'starting', regions });
    });
  };
}
