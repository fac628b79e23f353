import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from './context.js';

/** `POST /apid/otp`: a one-time password for a WebSocket URL's `?otp=` (auth/otp.ts). */
export function otpRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/apid/otp', async (req) => ({ otp: ctx.auth.otp.issue(req.gdn.principal, ctx.clock.now()) }));
  };
}
