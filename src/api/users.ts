import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ADMIN_USER, hashPassword, type Principal, type UserView } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { isUserName } from '../core/names.js';
import type { UserRecord } from '../storage/index.js';
import { parseBody, pathParams } from './body-schema.js';
import type { ApiContext } from './context.js';
import { dropGrantsOf, grantRoutes } from './grants.js';

const extra = z.record(z.string(), z.unknown());
const CreateUser = z.object({
  user: z.string().optional(),
  username: z.string().optional(),
  email: z.string().min(3).optional(),
  passwd: z.string(),
  active: z.boolean().optional(),
  displayName: z.string().optional(),
  extra: extra.optional(),
});
const ModifyUser = z.object({
  passwd: z.string().optional(),
  active: z.boolean().optional(),
  displayName: z.string().optional(),
  email: z.string().min(3).optional(),
  extra: extra.optional(),
});

type Req = FastifyRequest<{ Params: Record<string, string>; Body: unknown }>;

const Base = { schema: { params: pathParams('fabric') } };
const One = { schema: { params: pathParams('fabric', 'user') } };

function userObject(u: UserView): Record<string, unknown> {
  return { user: u.username, tenant: u.tenant, email: u.email, displayName: u.displayName, active: u.active, extra: u.extra };
}

function checkPassword(p: string): string {
  if (p.length === 0) throw gdnError('INVALID_PASSWORD', 'invalid password: it must not be empty');
  return p;
}

/**
 * Users of the caller's tenant (spec/gdn-api.md §2), under `/_api/user` (OpenAPI, pyC8) and
 * `/_admin/user` (jsC8): create, list, get, modify (PATCH; `active` activates and deactivates),
 * replace (PUT), delete, and the access-level tree of grants.ts. A non-admin sees only itself, which
 * is how pyC8 learns the tenant behind a token (`GET /_api/user` → result[0].tenant).
 */
export function userRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { dir, access } = ctx.auth;
  const reg = ctx.storage.registry;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);

  const userOf = (req: Req): UserView => {
    const u = dir.user(req.gdn.tenant, req.params['user'] as string);
    if (!u) throw gdnError('USER_NOT_FOUND', `user '${req.params['user']}' not found in tenant '${req.gdn.tenant}'`);
    return u;
  };
  const principalOfUser = (req: Req): Principal => ({ tenant: req.gdn.tenant, user: userOf(req).username });

  /** The record a change starts from; a declared user is stored whole on its first change. */
  const recordOf = async (u: UserView): Promise<UserRecord> => ({
    email: u.email,
    displayName: u.displayName,
    passwordHash: u.passwordHash ?? (await hashPassword(u.password ?? '')),
    active: u.active,
    extra: u.extra,
  });

  const modify = (replace: boolean) => async (req: Req) => {
    const u = userOf(req);
    const body = parseBody(ModifyUser, req.body, 'expecting {"passwd"?, "active"?, "displayName"?, "email"?, "extra"?}');
    if (u.username === ADMIN_USER && body.active === false) throw gdnError('FORBIDDEN', `the tenant's ${ADMIN_USER} user cannot be deactivated`);
    const set: Partial<UserRecord> = {};
    if (body.passwd !== undefined) set.passwordHash = await hashPassword(checkPassword(body.passwd));
    if (body.active !== undefined || replace) set.active = body.active ?? true;
    if (body.displayName !== undefined) set.displayName = body.displayName;
    if (body.email !== undefined) set.email = body.email;
    if (body.extra !== undefined || replace) set.extra = body.extra ?? {};
    const tenant = req.gdn.tenant;
    if (u.declared) {
      const whole = { ...(await recordOf(u)), ...set };
      write(() => reg.put('user', tenant, u.username, whole));
    } else if (Object.keys(set).length > 0) {
      write(() => reg.patch('user', tenant, u.username, set));
    }
    return { error: false, code: 200, ...userObject(dir.user(tenant, u.username) as UserView) };
  };

  const tree = (app: FastifyInstance, base: string) => {
    app.post(base, Base, async (req: Req, reply) => {
      const body = parseBody(CreateUser, req.body, 'expecting {"user", "email", "passwd", "active"?, "extra"?}');
      const name = body.user ?? body.username ?? body.email;
      if (!isUserName(name)) throw gdnError('INVALID_USER_NAME', `invalid user name '${String(name)}': 1-64 letters, digits and _ . @ + -`);
      const tenant = req.gdn.tenant;
      if (dir.user(tenant, name)) throw gdnError('USER_DUPLICATE', `user '${name}' already exists in tenant '${tenant}'`);
      const email = body.email ?? `${name}@${tenant}`;
      if (dir.userByEmail(email)) throw gdnError('USER_DUPLICATE', `a user with email '${email}' already exists`);
      const rec: UserRecord = {
        email,
        displayName: body.displayName ?? name,
        passwordHash: await hashPassword(checkPassword(body.passwd)),
        active: body.active ?? true,
        extra: body.extra ?? {},
      };
      write(() => reg.put('user', tenant, name, rec));
      return reply.code(201).send({ error: false, code: 201, ...userObject(dir.user(tenant, name) as UserView) });
    });

    app.get(base, Base, async (req: Req) => {
      const p = req.gdn.principal;
      const users = dir.users(req.gdn.tenant).filter((u) => access.isAdmin(p) || u.username === p.user);
      return { error: false, code: 200, result: users.map(userObject) };
    });

    app.get(`${base}/:user`, One, async (req: Req) => ({ error: false, code: 200, ...userObject(userOf(req)) }));
    app.patch(`${base}/:user`, One, modify(false));
    // Replacing a user is jsC8's (`replaceUser`); GDN's OpenAPI file has PATCH only.
    if (base.endsWith('/_admin/user')) app.put(`${base}/:user`, One, modify(true));

    app.delete(`${base}/:user`, One, async (req: Req, reply) => {
      const u = userOf(req);
      if (u.username === ADMIN_USER) throw gdnError('FORBIDDEN', `the tenant's ${ADMIN_USER} user cannot be deleted`);
      const tenant = req.gdn.tenant;
      write(() => {
        reg.remove('user', tenant, u.username);
        dropGrantsOf(ctx, tenant, { kind: 'user', name: u.username });
        for (const k of dir.keys(tenant).filter((k) => k.user === u.username)) {
          reg.remove('apikey', tenant, k.keyid);
          dropGrantsOf(ctx, tenant, { kind: 'key', name: k.keyid });
        }
      });
      return reply.code(202).send({ error: false, code: 202 });
    });

    grantRoutes(ctx, app, `${base}/:user`, 'user', 'user', principalOfUser);
  };

  return async (app) => {
    tree(app, '/_fabric/:fabric/user');
    tree(app, '/_fabric/:fabric/_admin/user');
  };
}
