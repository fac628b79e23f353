import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sha256, type KeyView, type Principal } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { isKeyId, isUserName } from '../core/names.js';
import { parseBody, pathParams } from './body-schema.js';
import type { ApiContext } from './context.js';
import { dropGrantsOf, grantRoutes } from './grants.js';


const CreateKey = z.object({ keyid: z.string(), user: z.string().optional(), isSystem: z.boolean().optional() });

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, unknown>; Body: unknown }>;

const Fabric = { schema: { params: pathParams('fabric') } };
const Key = { schema: { params: pathParams('fabric', 'keyid') } };
const ListQuery = z.looseObject({ user: z.string().refine(isUserName, 'a user name').optional() });

function listed(k: KeyView): Record<string, unknown> {
  return { keyid: k.keyid, user: k.user, tenant: k.tenant, isSystem: k.isSystem };
}

/**
 * API keys (spec/gdn-api.md §2) under `/_api/key` (jsC8 puts them under its fabric prefix; paths.ts
 * maps both). A key is `<tenant>.<keyid>.<secret>`; only the secret's sha-256 is stored, so the key
 * is shown once, when it is created. A key acts as its owner, narrowed by the key's own grants.
 */
export function keyRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { dir, access } = ctx.auth;
  const reg = ctx.storage.registry;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);

  /** The key of the path: 404 when unknown; only an admin or the key's owner may look at it. */
  const keyOf = (req: Req): KeyView => {
    const k = dir.key(req.gdn.tenant, req.params['keyid'] as string);
    if (!k) throw gdnError('USER_NOT_FOUND', `API key '${req.params['keyid']}' not found in tenant '${req.gdn.tenant}'`);
    const p = req.gdn.principal;
    if (k.user !== p.user && !access.isAdmin(p)) throw gdnError('FORBIDDEN', `API key '${k.keyid}' belongs to another user`);
    return k;
  };
  const principalOfKey = (req: Req): Principal => {
    const k = keyOf(req);
    return { tenant: k.tenant, user: k.user, keyid: k.keyid };
  };

  return async (app) => {
    app.post('/_fabric/:fabric/key', Fabric, async (req: Req, reply) => {
      const body = parseBody(CreateKey, req.body, 'expecting {"keyid", "user"?, "isSystem"?}');
      const tenant = req.gdn.tenant;
      if (!isKeyId(body.keyid)) throw gdnError('ILLEGAL_NAME', `illegal key id '${body.keyid}': 1-64 letters, digits, '_' or '-' (no '.': it separates the key's parts)`);
      // GDN names a key's owner `<tenant>.<user>` as often as `<user>`.
      const owner = body.user?.startsWith(`${tenant}.`) ? body.user.slice(tenant.length + 1) : (body.user ?? req.gdn.principal.user);
      if (!dir.user(tenant, owner)) throw gdnError('USER_NOT_FOUND', `user '${owner}' not found in tenant '${tenant}'`);
      if (dir.key(tenant, body.keyid)) throw gdnError('USER_DUPLICATE', `API key '${body.keyid}' already exists in tenant '${tenant}'`);
      const secret = randomBytes(24).toString('base64url');
      write(() => reg.put('apikey', tenant, body.keyid, { user: owner, secretHash: sha256(secret), isSystem: body.isSystem ?? false }));
      return reply.code(201).send({ error: false, code: 201, key: `${tenant}.${body.keyid}.${secret}`, keyid: body.keyid, tenant, user: owner });
    });

    app.get('/_fabric/:fabric/key', { schema: { params: pathParams('fabric'), querystring: ListQuery } }, async (req: Req) => {
      const p = req.gdn.principal;
      const user = req.query['user'] as string | undefined;
      const all = dir.keys(req.gdn.tenant).filter((k) => (access.isAdmin(p) || k.user === p.user) && (user === undefined || k.user === user));
      return { error: false, code: 200, result: all.map(listed) };
    });

    // jsC8's tests pin `user === keyid`: in GDN a key is a user of its own, whose parent is its owner.
    app.get('/_fabric/:fabric/key/:keyid', Key, async (req: Req) => {
      const k = keyOf(req);
      return { error: false, code: 200, tenant: k.tenant, user: k.keyid, displayName: k.keyid, active: true, apikey: { key: k.keyid, hash: k.secretHash, parent: k.user, isSystem: k.isSystem } };
    });

    app.delete('/_fabric/:fabric/key/:keyid', Key, async (req: Req, reply) => {
      const k = keyOf(req);
      write(() => {
        reg.remove('apikey', k.tenant, k.keyid);
        dropGrantsOf(ctx, k.tenant, { kind: 'key', name: k.keyid });
      });
      return reply.code(202).send({ error: false, code: 202 });
    });

    grantRoutes(ctx, app, '/_fabric/:fabric/key/:keyid', 'keyid', 'key', principalOfKey);
  };
}
