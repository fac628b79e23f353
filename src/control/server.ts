import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandler } from '../api/error-handler.js';
import { healthRoutes, type HealthTarget } from './health.js';

export type ControlTarget = HealthTarget;

/** The fabric-wide server on the global port: emulator control under /_emu. */
export function buildControlApp(target: ControlTarget): FastifyInstance {
  const app = Fastify({ logger: false, return503OnClosing: true, forceCloseConnections: 'idle' });
  registerErrorHandler(app);
  app.register(healthRoutes(target));
  return app;
}
