import { createHmac } from 'node:crypto';
import { SYSTEM_TENANT } from '../core/names.js';
import type { DevSpec } from '../topology/index.js';

/** The dev credentials `fabric-emu up` prints and `startFabric()` returns. */
export interface DevCredentials {
  tenant: string;
  username: string;
  email: string;
  password: string;
  /** `<tenant>.<keyid>.<secret>` */
  apiKey: string;
}

export const DEV_ENV = {
  tenant: 'FABRIC_EMU_TENANT',
  username: 'FABRIC_EMU_USERNAME',
  email: 'FABRIC_EMU_EMAIL',
  password: 'FABRIC_EMU_PASSWORD',
  apiKey: 'FABRIC_EMU_API_KEY',
} as const;

export const DEV_KEY_ID = 'dev';

function derived(secret: string, what: string, length: number): string {
  return createHmac('sha256', secret).update(`fabric-emu dev ${what}`).digest('base64url').replace(/[-_]/g, '').slice(0, length);
}

/** The tenant of an API key: everything before its last two '.'-separated parts, as jsC8 reads it. */
export function keyParts(key: string): { tenant: string; keyid: string; secret: string } | undefined {
  const parts = key.split('.');
  if (parts.length < 3) return undefined;
  const secret = parts.at(-1) as string;
  const keyid = parts.at(-2) as string;
  const tenant = parts.slice(0, -2).join('.');
  return tenant && keyid && secret ? { tenant, keyid, secret } : undefined;
}

export class CredentialsError extends Error {}

/**
 * Dev credentials: each field from the environment (FABRIC_EMU_*), else regions.yaml `dev`, else a
 * default. The password and the key's secret default to values derived from the fabric secret:
 * not guessable by anyone without the data dir (or FABRIC_EMU_SECRET), stable across restarts of
 * the same data dir, and the same at every PoP of the fabric without being stored anywhere.
 */
export function devCredentials(spec: DevSpec | undefined, secret: string, env: NodeJS.ProcessEnv = process.env): DevCredentials {
  const pick = (k: keyof typeof DEV_ENV): string | undefined => {
    const v = env[DEV_ENV[k]];
    return v !== undefined && v !== '' ? v : spec?.[k];
  };
  const tenant = pick('tenant') ?? SYSTEM_TENANT;
  const username = pick('username') ?? 'root';
  const apiKey = pick('apiKey') ?? `${tenant}.${DEV_KEY_ID}.${derived(secret, 'api key', 32)}`;
  const parts = keyParts(apiKey);
  if (!parts || parts.tenant !== tenant) {
    throw new CredentialsError(`the dev API key must read ${tenant}.<keyid>.<secret> (the dev tenant first), got '${apiKey.slice(0, tenant.length + 8)}...' (${DEV_ENV.apiKey} or regions.yaml dev.apiKey)`);
  }
  return {
    tenant,
    username,
    email: pick('email') ?? `${username}@fabric-emu.localhost`,
    password: pick('password') ?? derived(secret, 'password', 20),
    apiKey,
  };
}
