import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { parseBody, pathParams } from './body-schema.js';
import type { ApiContext } from './context.js';

const Login = z.union([
  z.object({ email: z.string().min(1), password: z.string() }),
  z.object({ tenant: z.string().min(1).optional(), username: z.string().min(1), password: z.string() }),
]);

const Validate = z.union([z.object({ apikey: z.string().min(1) }), z.object({ jwt: z.string().min(1) })]);

/** `/_tenant/{t}/_fabric/{f}/_open/auth` (the 2019 tutorial's form) names the tenant in the path. */
function pathTenant(url: string): string | undefined {
  const m = /^\/_tenant\/([^/?]+)/.exec(url);
  return m ? decodeURIComponent(m[1] as string) : undefined;
}

/** `POST /_open/auth` and `POST /_api/key/validate` (spec/gdn-api.md §2). */
export function authRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { authenticator, dir } = ctx.auth;
  return async (app) => {
    app.post('/_open/auth', { config: { auth: 'public' } }, async (req) => {
      if (!ctx.auth.enabled) throw gdnError('BAD_PARAMETER', 'authentication is off (--no-auth): requests need no token, so /_open/auth issues none');
      const body = parseBody(Login, req.body, 'expecting {"email", "password"} or {"tenant", "username", "password"}', 'UNAUTHORIZED');
      if ('email' in body) return authenticator.login(body);
      const tenant = body.tenant ?? pathTenant(req.originalUrl);
      if (tenant === undefined) throw gdnError('UNAUTHORIZED', 'not authorized to execute this request: a login by username needs its tenant ({"tenant", "username", "password"})');
      return authenticator.login({ tenant, username: body.username, password: body.password });
    });

    // jsC8's loginWithApiKey and loginWithToken read `result.tenant`: an object, not OpenAPI's array (spec §2).
    app.post('/_fabric/:fabric/key/validate', { schema: { params: pathParams('fabric') } }, async (req) => {
      const body = parseBody(Validate, req.body, 'expecting {"apikey": "<tenant>.<keyid>.<secret>"} or {"jwt": "<token>"}');
      const p: Principal = 'apikey' in body ? authenticator.fromKey(body.apikey) : await authenticator.fromJwt(body.jwt);
      const user = dir.user(p.tenant, p.user);
      return {
        error: false,
        code: 200,
        result: { tenant: p.tenant, user: p.user, keyid: p.keyid ?? null, parent: p.user, displayName: user?.displayName ?? p.user, limitRequestsPerSec: 0 },
      };
    });
  };
}
