import { gdnError } from '../core/errors.js';
import type { Principal } from './access.js';
import { keyParts } from './credentials.js';
import type { Directory, UserView } from './directory.js';
import { JwtKeys } from './jwt.js';
import { sameText, sha256, verifyPassword } from './passwords.js';

const MAX_CACHED = 10_000;

function unauthorized(why: string): Error {
  return gdnError('UNAUTHORIZED', `not authorized to execute this request: ${why}`);
}

/**
 * Turns an `Authorization` header into a principal. `apikey <key>` and `bearer <jwt>` are accepted
 * with the scheme in any case (jsC8 sends `Bearer`, pyC8 `bearer`, one doc `apiKey`). On the hot
 * path this is a map lookup: a header already checked since the registry last changed is answered
 * from the cache, so a deleted key or a deactivated user is refused on the next request after the
 * change arrives, and no request pays for a hash or a signature twice.
 */
export class Authenticator {
  readonly jwt: JwtKeys;
  private readonly cache = new Map<string, { principal: Principal; version: number; expMs: number }>();

  constructor(
    private readonly dir: Directory,
    secret: string,
    private readonly now: () => number,
  ) {
    this.jwt = new JwtKeys(secret);
  }

  /** The principal of a header checked before, if nothing it depends on changed since and it has not expired. */
  cached(header: string | undefined): Principal | undefined {
    if (header === undefined) return undefined;
    const hit = this.cache.get(header);
    return hit && hit.version === this.dir.version && hit.expMs > this.now() ? hit.principal : undefined;
  }

  async authenticate(header: string | undefined): Promise<Principal> {
    if (header === undefined || header === '') throw unauthorized("no credentials: send 'Authorization: bearer <jwt>' (POST /_open/auth) or 'Authorization: apikey <key>'");
    const now = this.now();
    const hit = this.cached(header);
    if (hit) return hit;
    const space = header.indexOf(' ');
    const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
    const value = space === -1 ? '' : header.slice(space + 1).trim();
    let principal: Principal;
    let expMs = Number.POSITIVE_INFINITY;
    if (scheme === 'apikey') {
      principal = this.fromKey(value);
    } else if (scheme === 'bearer') {
      const claims = await this.jwt.verify(value, now);
      if (!claims) throw unauthorized('the JWT is malformed, expired, or not signed by this fabric');
      this.activeUser(claims.tenant, claims.username);
      principal = { tenant: claims.tenant, user: claims.username };
      expMs = claims.exp * 1000;
    } else {
      throw unauthorized(`unknown scheme '${scheme}': use 'bearer <jwt>' or 'apikey <key>'`);
    }
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(header, { principal, version: this.dir.version, expMs });
    return principal;
  }

  /** A key's principal; throws 401 for an unknown, deleted or wrong key, or one whose owner is inactive. */
  fromKey(key: string): Principal {
    const parts = keyParts(key);
    if (!parts) throw unauthorized('an API key reads <tenant>.<keyid>.<secret>');
    const k = this.dir.key(parts.tenant, parts.keyid);
    if (!k || !sameText(k.secretHash, sha256(parts.secret))) throw unauthorized(`API key '${parts.keyid}' of tenant '${parts.tenant}' is unknown, deleted or wrong`);
    this.activeUser(parts.tenant, k.user);
    return { tenant: parts.tenant, user: k.user, keyid: k.keyid };
  }

  /** Checks a JWT for /_api/key/validate. */
  async fromJwt(token: string): Promise<Principal> {
    const claims = await this.jwt.verify(token, this.now());
    if (!claims) throw unauthorized('the JWT is malformed, expired, or not signed by this fabric');
    this.activeUser(claims.tenant, claims.username);
    return { tenant: claims.tenant, user: claims.username };
  }

  private activeUser(tenant: string, username: string): UserView {
    const u = this.dir.user(tenant, username);
    if (!u) throw unauthorized(`user '${username}' of tenant '${tenant}' does not exist (any more)`);
    if (!u.active) throw unauthorized(`user '${username}' of tenant '${tenant}' is deactivated`);
    return u;
  }

  /**
   * `POST /_open/auth`: email and password, or tenant, username and password. Every failure is the
   * same 401, so a caller learns nothing about which part was wrong.
   */
  async login(body: { email?: string; tenant?: string; username?: string; password: string }): Promise<{ jwt: string; tenant: string; username: string }> {
    const u = body.email !== undefined ? this.dir.userByEmail(body.email) : body.tenant !== undefined && body.username !== undefined ? this.dir.user(body.tenant, body.username) : undefined;
    const ok = u !== undefined && u.active && (u.password !== undefined ? sameText(u.password, body.password) : await verifyPassword(body.password, u.passwordHash ?? ''));
    if (!u || !ok) throw unauthorized('wrong email, tenant, username or password, or the user is deactivated');
    return { jwt: await this.jwt.sign(u.tenant, u.username, this.now()), tenant: u.tenant, username: u.username };
  }
}
