import type { RegistryStore } from '../storage/index.js';
import { Access, type Principal } from './access.js';
import { Authenticator } from './authenticator.js';
import { devCredentials, type DevCredentials } from './credentials.js';
import type { Topology } from '../topology/index.js';
import { Directory, type AuthConfig } from './directory.js';
import { OtpIssuer } from './otp.js';

export { Access, ADMIN_USER, canRead, canWrite, levelIn, visible, type CollectionLevels, type Principal } from './access.js';
export { Authenticator } from './authenticator.js';
export { CredentialsError, DEV_ENV, DEV_KEY_ID, devCredentials, keyParts, type DevCredentials } from './credentials.js';
export { Directory, type AuthConfig, type FabricView, type KeyView, type UserView } from './directory.js';
export { JWT_TTL_S, JwtKeys, type JwtClaims } from './jwt.js';
export { OTP_TTL_MS, OtpIssuer } from './otp.js';
export { hashPassword, sha256, verifyPassword } from './passwords.js';

/** One PoP's authentication: who the tenants' users and keys are, what they may do, and the tokens it issues. */
export interface AuthService {
  /** false with --no-auth: every request acts as the dev user (or root of the `/_tenant/{t}` it names). */
  readonly enabled: boolean;
  readonly dir: Directory;
  readonly access: Access;
  readonly authenticator: Authenticator;
  readonly otp: OtpIssuer;
  readonly dev: DevCredentials;
  /** The principal of a request when auth is off. */
  anonymous(tenant: string | undefined): Principal;
}

export function createAuth(registry: RegistryStore, config: AuthConfig, secret: string, now: () => number, enabled: boolean): AuthService {
  const dir = new Directory(registry, config);
  return {
    enabled,
    dir,
    access: new Access(dir),
    authenticator: new Authenticator(dir, secret, now),
    otp: new OtpIssuer(secret),
    dev: config.dev,
    anonymous: (tenant) => (tenant === undefined || tenant === config.dev.tenant ? { tenant: config.dev.tenant, user: config.dev.username } : { tenant, user: 'root' }),
  };
}

/** The auth config every PoP of a fabric derives alike from the topology, the secret and the environment. */
export function fabricAuthConfig(topology: Topology, secret: string, env: NodeJS.ProcessEnv = process.env): AuthConfig {
  return { dev: devCredentials(topology.dev, secret, env), tenants: topology.tenants ?? [], regions: topology.regions.map((r) => r.name) };
}
