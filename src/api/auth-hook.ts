import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canRead, canWrite, ADMIN_USER, type AuthService, type CollectionLevels, type FabricView, type Principal } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { isFabricName } from '../core/names.js';
import { fabricKey } from '../core/scope.js';
import { needOf, type Need } from './access-policy.js';
import type { ApiContext } from './context.js';

declare module 'fastify' {
  interface FastifyRequest {
    gdn: RequestScope;
  }
  interface FastifyContextConfig {
    /** `public`: the route answers without credentials (login, version, a certificate download). */
    auth?: 'public';
  }
}

/** Who a request acts as and, for a fabric route, which fabric of which tenant. */
export interface RequestScope {
  principal: Principal;
  tenant: string;
  /** The fabric named by the path (`_system` when none is). */
  fabric: string;
  /** `<tenant>/<fabric>`: the key storage files the fabric's data under. */
  key: string;
  view: FabricView | undefined;
  /** The level of each collection (queries, collection lists); undefined when the principal may do anything in the fabric. */
  collectionLevels: CollectionLevels | undefined;
}

/** The tenant a `/_tenant/{t}/...` path names (paths.ts strips it before routing). */
function pathTenant(url: string): string | undefined {
  if (!url.startsWith('/_tenant/')) return undefined;
  const end = url.indexOf('/', '/_tenant/'.length);
  const raw = url.slice('/_tenant/'.length, end === -1 ? undefined : end).split('?')[0] as string;
  // A malformed escape is kept as sent (paths.ts does the same): it names no tenant, so it is a 403 or 1228, never a crash.
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Routes of the emulator itself on a PoP (`/_emu/region/*`): they check the fabric secret themselves. */
function isInternal(url: string): boolean {
  return url.startsWith('/_emu/');
}

function who(p: Principal): string {
  return p.keyid !== undefined ? `API key '${p.keyid}'` : `user '${p.user}'`;
}

/**
 * Authentication and access on every route (docs/auth.md). onRequest: credentials (401 errorNum 11
 * without valid ones) and the `/_tenant/{t}` segment (403 when it names another tenant); it runs
 * before the body is read, so an unauthenticated request costs no parsing. preValidation: the fabric
 * (404/1228 when the tenant has none of that name or it is not held at this region) and what the
 * route needs (access-policy.ts).
 */
export function registerAuth(app: FastifyInstance, ctx: ApiContext): void {
  const auth: AuthService = ctx.auth;
  app.decorateRequest('gdn', null as unknown as RequestScope);

  const admit = (req: FastifyRequest, principal: Principal, named: string | undefined): void => {
    if (auth.enabled && named !== undefined && named !== principal.tenant) {
      throw gdnError('FORBIDDEN', `the path names tenant '${named}' but the credentials are of tenant '${principal.tenant}'`);
    }
    if (!auth.dir.hasTenant(principal.tenant)) throw gdnError('UNAUTHORIZED', `tenant '${principal.tenant}' does not exist here`);
    const fabric = (req.params as { fabric?: string } | undefined)?.fabric ?? '_system';
    req.gdn = { principal, tenant: principal.tenant, fabric, key: fabricKey(principal.tenant, fabric), view: undefined, collectionLevels: undefined };
  };

  /** Admits the request at once when it can (a cached header, no auth, a public route), else says when. */
  const start = (req: FastifyRequest): Promise<void> | undefined => {
    // No route matched: the answer is a 404, 405 or 501 naming what GDN serves there, no data of anyone's.
    if (isInternal(req.url) || req.routeOptions.url === undefined) return undefined;
    if (req.routeOptions.config?.auth === 'public') {
      publicFabric(ctx, (req.params as { fabric?: string } | undefined)?.fabric);
      return undefined;
    }
    const named = pathTenant(req.originalUrl);
    const raw = req.headers.authorization;
    const header = Array.isArray(raw) ? raw[0] : raw;
    const now = auth.enabled ? auth.authenticator.cached(header) : auth.anonymous(named);
    if (now) {
      admit(req, now, named);
      return undefined;
    }
    return auth.authenticator.authenticate(header).then((p) => admit(req, p, named));
  };

  // Callbacks rather than async hooks, as in app.ts: a cached key costs no promise per request.
  app.addHook('onRequest', (req, _reply, done) => {
    let later: Promise<void> | undefined;
    try {
      later = start(req);
    } catch (e) {
      return done(e as Error);
    }
    if (later) later.then(() => done(), (e: unknown) => done(e as Error));
    else done();
  });

  // Before validation, so that an unknown fabric answers 1228 (and a forbidden write 403) whatever else is wrong with the request.
  app.addHook('preValidation', (req, _reply, done) => {
    const scope = req.gdn;
    if (!scope) return done();
    try {
      const need = needOf(req as Parameters<typeof needOf>[0]);
      const named = (req.params as { fabric?: string } | undefined)?.fabric;
      if (named !== undefined) {
        scope.fabric = named;
        scope.key = fabricKey(scope.tenant, named);
        // Users, keys and the fabric list live under `_system` only in the path: the caller's level there does not hide them.
        scope.view = heldFabric(ctx, scope, named, need.kind === 'fabric' || need.kind === 'collection');
      }
      check(ctx, scope, need);
    } catch (e) {
      return done(e as Error);
    }
    done();
  });
}

/**
 * A public route under a fabric (version) has no credentials to take the tenant from, and the
 * `/_tenant/{t}` segment only labels a request: the fabric is unknown (1228) when no tenant has it.
 */
function publicFabric(ctx: ApiContext, fabric: string | undefined): void {
  if (fabric === undefined) return;
  const { dir } = ctx.auth;
  const known = isFabricName(fabric) && dir.tenants().some((t) => dir.fabric(t, fabric) !== undefined);
  if (!known) throw gdnError('DATABASE_NOT_FOUND', `database not found: ${fabric}`);
}

/** The fabric, if the tenant has it and this region holds it; else 404/1228 as GDN answers for a database it lacks. */
function heldFabric(ctx: ApiContext, scope: RequestScope, name: string, hideWithoutAccess: boolean): FabricView {
  const view = ctx.auth.dir.fabric(scope.tenant, name);
  if (!view || (hideWithoutAccess && ctx.auth.access.fabric(scope.principal, name) === 'none')) throw gdnError('DATABASE_NOT_FOUND', `database not found: ${name}`);
  if (!view.dcList.includes(ctx.region)) {
    throw gdnError('DATABASE_NOT_FOUND', `database not found: ${name} is not held at ${ctx.region}: its dcList is ${view.dcList.join(', ')}; send the request to one of those regions`);
  }
  return view;
}

function check(ctx: ApiContext, scope: RequestScope, need: Need): void {
  const { access } = ctx.auth;
  const p = scope.principal;
  switch (need.kind) {
    case 'public':
    case 'tenant':
      return;
    case 'fabric': {
      const level = access.fabric(p, scope.fabric);
      if (need.write && !canWrite(level)) throw gdnError('FORBIDDEN', `${who(p)} has ${level} access to fabric '${scope.fabric}': it cannot change it`);
      scope.collectionLevels = p.user === ADMIN_USER && p.keyid === undefined ? undefined : access.collectionLevels(p, scope.fabric);
      return;
    }
    case 'collection': {
      scope.collectionLevels = access.collectionLevels(p, scope.fabric);
      if (need.name === undefined) return;
      const level = access.collection(p, scope.fabric, need.name);
      if (!canRead(level)) throw gdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${need.name}`);
      if (need.write && !canWrite(level)) throw gdnError('FORBIDDEN', `${who(p)} has read-only access to collection '${need.name}'`);
      return;
    }
    case 'admin':
      if (!access.isAdmin(p)) throw gdnError('FORBIDDEN', `${who(p)} cannot manage users, keys, grants or fabrics: that needs rw on the tenant's _system fabric`);
      return;
    case 'self':
      if (need.user !== undefined && need.user !== p.user && !access.isAdmin(p)) throw gdnError('FORBIDDEN', `${who(p)} may only read its own user`);
      return;
  }
}
