import { z } from 'zod';
import { isFabricName, isKeyId, isUserName } from '../core/names.js';
import type { RegistryKind } from './registry.js';

/**
 * The records of the registry, one schema per kind: what a PoP writes, what entry-check.ts
 * accepts from a peer, and what authentication reads back.
 *
 *   user    id = user name:      {email, displayName, passwordHash, active, extra}
 *   apikey  id = key id:         {user (its owner), secretHash (sha-256 of the secret), isSystem}
 *   grant   id = <who>|<scope>:  {level}; who = user:<name> | key:<keyid>;
 *                                scope = db:<fabric> | coll:<fabric>/<collection> | stream:<fabric>/<stream>,
 *                                with `*` for "every fabric" or "every collection"
 *   fabric  id = fabric name:    {dcList, spotDc, metadata}; `_system` is only ever patched (its metadata)
 */
export const ACCESS_LEVELS = ['rw', 'ro', 'none'] as const;
export const STREAM_LEVELS = ['rw', 'ro', 'wo', 'none'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export type StreamLevel = (typeof STREAM_LEVELS)[number];

const json = z.record(z.string(), z.unknown());

export const UserRecord = z.strictObject({
  email: z.string().max(254),
  displayName: z.string().max(256),
  /** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` */
  passwordHash: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/),
  active: z.boolean(),
  extra: json,
});

export const ApiKeyRecord = z.strictObject({
  user: z.string().refine(isUserName, 'a user name'),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  isSystem: z.boolean(),
});

export const GrantRecord = z.strictObject({ level: z.enum(STREAM_LEVELS) });

export const FabricRecord = z.strictObject({
  dcList: z.array(z.string().min(1).max(63)).min(1),
  spotDc: z.string().max(63),
  metadata: json,
});

export type UserRecord = z.infer<typeof UserRecord>;
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;
export type GrantRecord = z.infer<typeof GrantRecord>;
export type FabricRecord = z.infer<typeof FabricRecord>;

export const RECORD_SCHEMAS: Record<RegistryKind, z.ZodObject> = {
  user: UserRecord,
  apikey: ApiKeyRecord,
  grant: GrantRecord,
  fabric: FabricRecord,
};

export type GrantWho = { kind: 'user' | 'key'; name: string };
export type GrantScope =
  | { kind: 'db'; fabric: string }
  | { kind: 'coll'; fabric: string; collection: string }
  | { kind: 'stream'; fabric: string; stream: string };

const STREAM_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const COLLECTION_OR_ALL = /^(\*|[A-Za-z_][A-Za-z0-9_-]{0,63})$/;

export function grantId(who: GrantWho, scope: GrantScope): string {
  const w = `${who.kind}:${who.name}`;
  if (scope.kind === 'db') return `${w}|db:${scope.fabric}`;
  if (scope.kind === 'coll') return `${w}|coll:${scope.fabric}/${scope.collection}`;
  return `${w}|stream:${scope.fabric}/${scope.stream}`;
}

const fabricOrAll = (f: string) => f === '*' || isFabricName(f);

/** The parts of a grant id, or undefined when it is malformed. */
export function parseGrantId(id: string): { who: GrantWho; scope: GrantScope } | undefined {
  const m = /^(user|key):([^|]+)\|(db|coll|stream):(.+)$/.exec(id);
  if (!m) return undefined;
  const who: GrantWho = { kind: m[1] as 'user' | 'key', name: m[2] as string };
  if (who.kind === 'user' ? !isUserName(who.name) : !isKeyId(who.name)) return undefined;
  const rest = m[4] as string;
  if (m[3] === 'db') return fabricOrAll(rest) ? { who, scope: { kind: 'db', fabric: rest } } : undefined;
  const slash = rest.indexOf('/');
  if (slash === -1) return undefined;
  const fabric = rest.slice(0, slash);
  const name = rest.slice(slash + 1);
  if (!fabricOrAll(fabric)) return undefined;
  if (m[3] === 'coll') return COLLECTION_OR_ALL.test(name) ? { who, scope: { kind: 'coll', fabric, collection: name } } : undefined;
  return STREAM_NAME.test(name) || name === '*' ? { who, scope: { kind: 'stream', fabric, stream: name } } : undefined;
}

/** Whether `id` is a well-formed id for a record of `kind`. */
export function validRecordId(kind: RegistryKind, id: unknown): boolean {
  if (typeof id !== 'string') return false;
  switch (kind) {
    case 'user':
      return isUserName(id);
    case 'apikey':
      return isKeyId(id);
    case 'grant':
      return parseGrantId(id) !== undefined;
    case 'fabric':
      return isFabricName(id);
  }
}
