import { createHmac } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** GDN's tokens last 12 hours (docs account-management/auth/jwts.md). */
export const JWT_TTL_S = 12 * 3600;
export const JWT_ISSUER = 'macrometa';

/** The claims jsC8 (`tenant`) and pyC8 decode, as in the captured GDN payload of spec §1.3. */
export interface JwtClaims {
  tenant: string;
  username: string;
  preferred_username: string;
  sub: string;
  iss: string;
  iat: number;
  exp: number;
}

const MAX_CACHED = 10_000;

/**
 * Signs and checks the fabric's JWTs. The HS256 key is derived from the fabric secret, so every PoP
 * of the fabric (in this thread, another process or another machine sharing FABRIC_EMU_SECRET)
 * accepts a token any of them issued, and a token of another fabric is refused. Verification is
 * cached by token until it expires: a request pays a map lookup, not an HMAC and a JSON parse.
 */
export class JwtKeys {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, JwtClaims>();

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('fabric-emu jwt v1').digest();
  }

  async sign(tenant: string, username: string, nowMs: number): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    return new SignJWT({ tenant, username, preferred_username: username })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(JWT_ISSUER)
      .setSubject(tenant)
      .setIssuedAt(iat)
      .setExpirationTime(iat + JWT_TTL_S)
      .sign(this.key);
  }

  /** The token's claims, or undefined when it is malformed, tampered with, of another fabric or expired at `nowMs`. */
  async verify(token: string, nowMs: number): Promise<JwtClaims | undefined> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp * 1000 > nowMs) return hit;
      this.verified.delete(token);
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: JWT_ISSUER, currentDate: new Date(nowMs) });
      if (typeof payload['tenant'] !== 'string' || typeof payload['username'] !== 'string' || typeof payload.exp !== 'number') return undefined;
      const claims = payload as unknown as JwtClaims;
      if (this.verified.size >= MAX_CACHED) this.verified.clear();
      this.verified.set(token, claims);
      return claims;
    } catch {
      return undefined;
    }
  }
}
