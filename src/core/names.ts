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


