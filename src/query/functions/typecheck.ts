import { isObject, toArray, toNumber, toStringValue, truthy, typeName } from '../types.js';
import { arg, def, type FnDef } from './context.js';
import { isDateString } from './date-parse.js';

const KEY_PATTERN = /^[a-zA-Z0-9_\-:.@()+,=;$!*'%]{1,254}$/;

export function isValidKey(v: unknown): boolean {
  return typeof v === 'string' && KEY_PATTERN.test(v);
}

export const TYPECHECK_FUNCTIONS: Record<string, FnDef> = {
  TYPENAME: def(1, 1, (_c, a) => typeName(arg(a, 0))),
  IS_NULL: def(1, 1, (_c, a) => arg(a, 0) === null),
  IS_BOOL: def(1, 1, (_c, a) => typeof a[0] === 'boolean'),
  IS_NUMBER: def(1, 1, (_c, a) => typeof a[0] === 'number'),
  IS_STRING: def(1, 1, (_c, a) => typeof a[0] === 'string'),
  IS_ARRAY: def(1, 1, (_c, a) => Array.isArray(a[0])),
  IS_LIST: def(1, 1, (_c, a) => Array.isArray(a[0])),
  IS_OBJECT: def(1, 1, (_c, a) => isObject(a[0])),
  IS_DOCUMENT: def(1, 1, (_c, a) => isObject(a[0])),
  IS_DATESTRING: def(1, 1, (_c, a) => typeof a[0] === 'string' && isDateString(a[0])),
  IS_KEY: def(1, 1, (_c, a) => isValidKey(a[0])),
  TO_BOOL: def(1, 1, (_c, a) => truthy(a[0])),
  TO_NUMBER: def(1, 1, (_c, a) => toNumber(a[0])),
  TO_STRING: def(1, 1, (_c, a) => toStringValue(a[0])),
  TO_ARRAY: def(1, 1, (_c, a) => toArray(a[0])),
  TO_LIST: def(1, 1, (_c, a) => toArray(a[0])),
};
