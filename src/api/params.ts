import { gdnError } from '../core/errors.js';

export type Query = Record<string, string | string[] | undefined>;

/** Booleans arrive as `true`, `True` (pyC8), `1` or `yes`; anything else named is a 400. */
export function boolParam(q: Query, name: string, fallback: boolean): boolean;
export function boolParam(q: Query, name: string, fallback: undefined): boolean | undefined;
export function boolParam(q: Query, name: string, fallback: boolean | undefined): boolean | undefined {
  const raw = q[name];
  const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (v === undefined || v === '') return fallback;
  switch (v.toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
      return true;
    case 'false':
    case '0':
    case 'no':
      return false;
    default:
      throw gdnError('BAD_PARAMETER', `query parameter '${name}' must be true or false, got '${v}'`);
  }
}

export function stringParam(q: Query, name: string): string | undefined {
  const raw = q[name];
  const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return v === undefined || v === '' ? undefined : v;
}

/** `If-Match` carries a revision, possibly quoted as an entity tag. */
export function revHeader(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '') return undefined;
  return v.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
