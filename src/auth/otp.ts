import { createHmac, randomBytes } from 'node:crypto';
import type { Principal } from './access.js';
import { sameText } from './passwords.js';

/** GDN's one-time passwords for WebSocket URLs are short-lived; ten seconds covers a connect. */
export const OTP_TTL_MS = 10_000;

/**
 * One-time passwords (`POST /apid/otp`, then `?otp=` on a WebSocket URL). An OTP is signed with a
 * key derived from the fabric secret and names its principal and expiry, so any PoP of the fabric
 * accepts it without it being replicated: jsC8 asks for it at one host and may open the socket at
 * another region's. Single use is kept per PoP (a used OTP is remembered until it expires); the
 * same OTP could thus open one socket at each PoP within its ten seconds, which docs/auth.md says.
 */
export class OtpIssuer {
  private readonly key: Buffer;
  private readonly used = new Map<string, number>();

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('fabric-emu otp v1').digest();
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  issue(p: Principal, nowMs: number): string {
    const payload = Buffer.from(JSON.stringify({ t: p.tenant, u: p.user, k: p.keyid ?? null, e: Math.ceil(nowMs + OTP_TTL_MS), n: randomBytes(9).toString('base64url') })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The principal of a valid, unexpired, unused OTP, which is used up by this call; else undefined. */
  consume(otp: string, nowMs: number): Principal | undefined {
    for (const [k, exp] of this.used) if (exp <= nowMs) this.used.delete(k);
    const dot = otp.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = otp.slice(0, dot);
    if (!sameText(this.mac(payload), otp.slice(dot + 1))) return undefined;
    let claims: { t?: unknown; u?: unknown; k?: unknown; e?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (typeof claims.e !== 'number' || claims.e <= nowMs || this.used.has(otp)) return undefined;
    if (typeof claims.t !== 'string' || typeof claims.u !== 'string') return undefined;
    this.used.set(otp, claims.e);
    return typeof claims.k === 'string' ? { tenant: claims.t, user: claims.u, keyid: claims.k } : { tenant: claims.t, user: claims.u };
  }
}
