import { gdnError } from '../core/errors.js';
import { fieldPath, jsonPath } from './json-sql.js';

/** Index types of spec/gdn-api.md §10 (hash and skiplist are kept as named, as C8/ArangoDB 3.4 do). */
export const INDEX_TYPES = ['persistent', 'hash', 'skiplist', 'ttl', 'geo', 'fulltext'] as const;
export type IndexType = (typeof INDEX_TYPES)[number];

/** The replicated definition of one user index. `id` is the numeric part of `<collection>/<id>`. */
export interface IndexDef {
  id: string;
  name: string;
  type: IndexType;
  fields: string[];
  unique: boolean;
  sparse: boolean;
  deduplicate: boolean;
  expireAfter?: number;
  geoJson?: boolean;
  minLength?: number;
}

/** What a client may send to create an index, unchecked. */
export type IndexInput = Record<string, unknown>;

/** Types that become a SQLite expression index over their fields. */
export function hasSqlIndex(def: IndexDef): boolean {
  return def.type !== 'geo' && def.type !== 'fulltext';
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,255}$/;
const RESERVED = new Set(['primary', 'edge']);

function bool(input: IndexInput, key: string, fallback: boolean): boolean {
  const v = input[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw gdnError('BAD_PARAMETER', `'${key}' must be a boolean`);
  return v;
}

function parseFields(type: IndexType, raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((f) => typeof f !== 'string' || f === '')) {
    throw gdnError('BAD_PARAMETER', "'fields' must be a non-empty array of attribute names");
  }
  const fields = raw as string[];
  for (const f of fields) {
    if (f.includes('[*]')) throw gdnError('BAD_PARAMETER', `array index fields ('${f}') are not supported by fabric-emu`);
    if (jsonPath(fieldPath(f)) === null) throw gdnError('BAD_PARAMETER', `invalid index field '${f}'`);
  }
  const max = type === 'geo' ? 2 : type === 'ttl' || type === 'fulltext' ? 1 : Infinity;
  if (fields.length > max) throw gdnError('BAD_PARAMETER', `an index of type ${type} takes at most ${max} field(s)`);
  return fields;
}

/** Validates a create-index body; `id` and the default name come from the caller. */
export function parseIndexInput(input: IndexInput, id: string): IndexDef {
  const type = input['type'];
  if (typeof type !== 'string' || !(INDEX_TYPES as readonly string[]).includes(type)) {
    throw gdnError('BAD_PARAMETER', `invalid index type '${String(type)}'; expected one of ${INDEX_TYPES.join(', ')}`);
  }
  const t = type as IndexType;
  const fields = parseFields(t, input['fields']);
  const rawName = input['name'];
  if (rawName !== undefined && rawName !== null && (typeof rawName !== 'string' || !NAME.test(rawName) || RESERVED.has(rawName))) {
    throw gdnError('ILLEGAL_NAME', `illegal index name '${String(rawName)}'`);
  }
  const special = t === 'ttl' || t === 'geo' || t === 'fulltext';
  const unique = bool(input, 'unique', false);
  if (unique && special) throw gdnError('BAD_PARAMETER', `an index of type ${t} cannot be unique`);
  const def: IndexDef = {
    id,
    name: typeof rawName === 'string' ? rawName : `idx_${id}`,
    type: t,
    fields,
    unique,
    sparse: special ? true : bool(input, 'sparse', false),
    deduplicate: bool(input, 'deduplicate', true),
  };
  if (t === 'ttl') {
    const e = input['expireAfter'];
    if (typeof e !== 'number' || !Number.isFinite(e) || e < 0) throw gdnError('BAD_PARAMETER', "a ttl index needs 'expireAfter', a number of seconds >= 0");
    def.expireAfter = e;
  }
  if (t === 'geo') def.geoJson = bool(input, 'geoJson', false);
  if (t === 'fulltext') {
    const m = input['minLength'] ?? 2;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) throw gdnError('BAD_PARAMETER', "'minLength' must be a positive integer");
    def.minLength = m;
  }
  return def;
}

/** ArangoDB answers a create for an existing equivalent index with that index (200, not 201). */
export function sameIndex(a: IndexDef, b: IndexDef): boolean {
  return a.type === b.type && a.unique === b.unique && a.sparse === b.sparse
    && a.fields.length === b.fields.length && a.fields.every((f, i) => f === b.fields[i])
    && a.expireAfter === b.expireAfter && a.geoJson === b.geoJson && a.minLength === b.minLength;
}
