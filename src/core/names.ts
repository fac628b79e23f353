import { gdnError } from './errors.js';

/**
 * Naming rules of GDN (spec/gdn-api.md §4, §5; Macrometa naming-conventions): collection names are
 * ASCII letters, digits, '_' and '-', start with a letter (or '_' for system ones), at most 64
 * bytes; document keys are 1–254 bytes from a fixed character set.
 */
const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const DOCUMENT_KEY = /^[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$/;

export function assertCollectionName(name: unknown, allowSystem = false): string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name) || (!allowSystem && name.startsWith('_'))) {
    throw gdnError('ILLEGAL_NAME', `illegal name: '${String(name)}'`);
  }
  return name;
}

export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && DOCUMENT_KEY.test(key);
}


/**
 * Geo-fabric names (Macrometa naming-conventions: ASCII, starting with a letter, at most 64 bytes;
 * '_' and '-' inside are accepted as ArangoDB database names allow them). `_system` is every
 * tenant's own system fabric and cannot be created or dropped.
 */
export const SYSTEM_FABRIC = '_system';
const FABRIC_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function isFabricName(name: unknown): name is string {
  return typeof name === 'string' && (name === SYSTEM_FABRIC || FABRIC_NAME.test(name));
}

export function assertNewFabricName(name: unknown): string {
  if (typeof name !== 'string' || !FABRIC_NAME.test(name)) {
    throw gdnError('DATABASE_NAME_INVALID', `illegal fabric name '${String(name)}': 1-64 ASCII letters, digits, '_' or '-', starting with a letter`);
  }
  return name;
}

/**
 * Tenant names are the account's email with '@' turned into '_' (`demo_example.com`), or `_mm`, the
 * system tenant. No '/' (storage keys are `<tenant>/<fabric>`) and, as jsC8 reads an API key's
 * tenant as everything before its last two '.'-separated parts, any number of dots.
 */
export const SYSTEM_TENANT = '_mm';
const TENANT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,127}$/;

export function isTenantName(name: unknown): name is string {
  return typeof name === 'string' && TENANT_NAME.test(name);
}

/** User names: letters, digits and `_ . @ + -`, at most 64; API key ids have no '.' (it separates the key's parts). */
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,63}$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isUserName(name: unknown): name is string {
  return typeof name === 'string' && USER_NAME.test(name);
}

export function isKeyId(name: unknown): name is string {
  return typeof name === 'string' && KEY_ID.test(name);
}
