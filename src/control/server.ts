import Fastify, { type FastifyInstance } from 'fastify';
import { registerBodyParser } from '../api/body.js';
import { registerErrorHandler } from '../api/error-handler.js';
import { controlRoutes } from './routes.js';
import type { FabricControl } from './types.js';

/** The fabric-wide server on the global port: emulator control under /_emu. */
export function buildControlApp(control: FabricControl): FastifyInstance {
  const app = Fastify({ logger: false, return503OnClosing: true, forceCloseConnections: 'idle' });
  registerErrorHandler(app);
  registerBodyParser(app);
  app.register(controlRoutes(control));
  return app;
}
