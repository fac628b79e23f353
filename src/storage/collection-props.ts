import { gdnError } from '../core/errors.js';

export const DOCUMENT_COLLECTION = 2;
export const EDGE_COLLECTION = 3;

export type KeyGeneratorType = 'traditional' | 'autoincrement' | 'padded' | 'uuid';

export interface KeyOptions {
  type: KeyGeneratorType;
  allowUserKeys: boolean;
  increment: number;
  offset: number;
  /** The autoincrement counter; per region, never replicated. */
  lastValue: number;
}

/** What makes a collection a key-value one (spec/gdn-api.md §8); absent for document and edge collections. */
export interface KvOptions {
  /** Pairs with an `expireAt` in the past are gone (kv.ts). */
  expiration: boolean;
  /** Pairs may carry a `groupID`, which count, keys, values and truncate filter by. */
  group: boolean;
}

export interface CollectionProps {
  waitForSync: boolean;
  hasStream: boolean;
  cacheEnabled: boolean;
  isSystem: boolean;
  strongConsistency: boolean;
  keyOptions: KeyOptions;
  kv?: KvOptions;
}

export interface CreateCollectionInput {
  name: unknown;
  type?: unknown;
  isLocal?: unknown;
  isSystem?: unknown;
  stream?: unknown;
  hasStream?: unknown;
  waitForSync?: unknown;
  cacheEnabled?: unknown;
  strongConsistency?: unknown;
  keyOptions?: unknown;
}

export const DEFAULT_PROPS: CollectionProps = {
  waitForSync: false,
  hasStream: false,
  cacheEnabled: false,
  isSystem: false,
  strongConsistency: false,
  keyOptions: { type: 'traditional', allowUserKeys: true, increment: 1, offset: 0, lastValue: 0 },
};

export const KEY_TYPES: readonly KeyGeneratorType[] = ['traditional', 'autoincrement', 'padded', 'uuid'];

function bool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  throw gdnError('BAD_PARAMETER', `'${field}' must be a boolean`);
}

function parseKeyOptions(raw: unknown): KeyOptions {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw gdnError('BAD_PARAMETER', "'keyOptions' must be an object");
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  const type = (o['type'] ?? 'traditional') as KeyGeneratorType;
  if (!KEY_TYPES.includes(type)) throw gdnError('BAD_PARAMETER', `invalid key generator type '${String(type)}'`);
  const num = (v: unknown, field: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw gdnError('BAD_PARAMETER', `'keyOptions.${field}' must be a non-negative integer`);
    }
    return v;
  };
  return {
    type,
    allowUserKeys: bool(o['allowUserKeys'], 'keyOptions.allowUserKeys', true),
    increment: Math.max(1, num(o['increment'], 'increment', 1)),
    offset: num(o['offset'], 'offset', 0),
    lastValue: 0,
  };
}

/** Validates a create-collection body (spec/gdn-api.md §4). */
export function parseCreateInput(
  input: CreateCollectionInput,
  checkName: (name: unknown, allowSystem: boolean) => string,
): { name: string; type: number; isLocal: boolean; props: CollectionProps } {
  const isSystem = bool(input.isSystem, 'isSystem', false);
  const name = checkName(input.name, isSystem);
  const type = input.type ?? DOCUMENT_COLLECTION;
  if (type !== DOCUMENT_COLLECTION && type !== EDGE_COLLECTION) {
    throw gdnError('BAD_PARAMETER', "'type' must be 2 (document) or 3 (edge)");
  }
  return {
    name,
    type,
    isLocal: bool(input.isLocal, 'isLocal', false),
    props: {
      waitForSync: bool(input.waitForSync, 'waitForSync', false),
      hasStream: bool(input.stream ?? input.hasStream, 'stream', false),
      cacheEnabled: bool(input.cacheEnabled, 'cacheEnabled', false),
      isSystem,
      strongConsistency: bool(input.strongConsistency, 'strongConsistency', false),
      keyOptions: parseKeyOptions(input.keyOptions),
    },
  };
}
