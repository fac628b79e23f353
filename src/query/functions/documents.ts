import { GdnError } from '../../core/errors.js';
import { attributeName, isObject, toJson, toStringValue, truthy, valuesEqual } from '../types.js';
import { arg, def, typeMismatch, VARIADIC, type FnContext, type FnDef } from './context.js';

type Obj = Record<string, unknown>;

/** Attribute names given as separate arguments and/or arrays of names (UNSET, KEEP). */
function namesOf(a: unknown[]): Set<string> {
  const out = new Set<string>();
  for (const x of a) {
    if (Array.isArray(x)) for (const y of x) out.add(toStringValue(y));
    else out.add(toStringValue(x));
  }
  return out;
}

function mergeRecursive(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isObject(cur) && isObject(v) ? mergeRecursive(cur, v) : v;
  }
  return out;
}

function unsetRecursive(v: unknown, names: Set<string>, keep: boolean): unknown {
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (names.has(k) !== keep) continue;
    out[k] = unsetRecursive(x, names, keep);
  }
  return out;
}

function matches(doc: Obj, example: unknown): boolean {
  if (!isObject(example)) return false;
  return Object.entries(example).every(([k, v]) => Object.hasOwn(doc, k) && valuesEqual(doc[k], v));
}

/** Splits a document handle "coll/key" (or a document's _id) into its parts. */
export function parseIdentifier(v: unknown): { collection: string; key: string } | null {
  const id = isObject(v) ? v._id : v;
  if (typeof id !== 'string') return null;
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return null;
  return { collection: id.slice(0, slash), key: id.slice(slash + 1) };
}

function fetchDocument(ctx: FnContext, collection: string | null, handle: unknown): unknown {
  if (ctx.source === null) return null;
  let coll = collection;
  let key: string;
  if (isObject(handle)) handle = handle._id;
  if (typeof handle !== 'string') return null;
  const parsed = parseIdentifier(handle);
  if (parsed) {
    if (coll !== null && parsed.collection !== coll) return null;
    coll = parsed.collection;
    key = parsed.key;
  } else {
    if (coll === null) return null;
    key = handle;
  }
  if (!ctx.source.hasCollection(coll)) return null;
  return ctx.source.getDocument(coll, key);
}

function document(ctx: FnContext, a: unknown[], name: string): unknown {
  let coll: string | null = null;
  let handles: unknown = a[0];
  if (a.length === 2) {
    if (typeof a[0] !== 'string') return typeMismatch(ctx, name);
    coll = a[0];
    handles = a[1];
  }
  if (Array.isArray(handles)) return handles.map((h) => fetchDocument(ctx, coll, h)).filter((d) => d !== null);
  return fetchDocument(ctx, coll, handles);
}

export const DOCUMENT_FUNCTIONS: Record<string, FnDef> = {
  HAS: def(2, 2, (_c, a) => isObject(a[0]) && Object.hasOwn(a[0], toStringValue(a[1]))),
  ATTRIBUTES: def(1, 3, (ctx, a, name) => {
    if (!isObject(a[0])) return typeMismatch(ctx, name);
    let keys = Object.keys(a[0]);
    if (truthy(a[1])) keys = keys.filter((k) => !k.startsWith('_'));
    return truthy(a[2]) ? keys.sort() : keys;
  }),
  VALUES: def(1, 2, (ctx, a, name) => {
    if (!isObject(a[0])) return typeMismatch(ctx, name);
    return Object.entries(a[0]).filter(([k]) => !truthy(a[1]) || !k.startsWith('_')).map(([, v]) => v);
  }),
  MERGE: def(1, VARIADIC, (ctx, a, name) => {
    const docs = a.length === 1 && Array.isArray(a[0]) ? a[0] : a;
    if (!docs.every(isObject)) return typeMismatch(ctx, name);
    return Object.assign({}, ...(docs as Obj[])) as Obj;
  }),
  MERGE_RECURSIVE: def(2, VARIADIC, (ctx, a, name) => {
    if (!a.every(isObject)) return typeMismatch(ctx, name);
    return (a as Obj[]).reduce((acc, d) => mergeRecursive(acc, d), {});
  }),
  UNSET: def(2, VARIADIC, (ctx, a, name) => {
    if (!isObject(a[0])) return typeMismatch(ctx, name);
    const names = namesOf(a.slice(1));
    return Object.fromEntries(Object.entries(a[0]).filter(([k]) => !names.has(k)));
  }),
  UNSET_RECURSIVE: def(2, VARIADIC, (ctx, a, name) => (isObject(a[0]) ? unsetRecursive(a[0], namesOf(a.slice(1)), false) : typeMismatch(ctx, name))),
  KEEP: def(2, VARIADIC, (ctx, a, name) => {
    if (!isObject(a[0])) return typeMismatch(ctx, name);
    const names = namesOf(a.slice(1));
    return Object.fromEntries(Object.entries(a[0]).filter(([k]) => names.has(k)));
  }),
  KEEP_RECURSIVE: def(2, VARIADIC, (ctx, a, name) => (isObject(a[0]) ? unsetRecursive(a[0], namesOf(a.slice(1)), true) : typeMismatch(ctx, name))),
  ZIP: def(2, 2, (ctx, a, name) => {
    const [keys, values] = a;
    if (!Array.isArray(keys) || !Array.isArray(values) || keys.length !== values.length) return typeMismatch(ctx, name);
    const out: Obj = {};
    keys.forEach((k, i) => {
      const key = attributeName(toStringValue(k));
      if (!Object.hasOwn(out, key)) out[key] = values[i];
    });
    return out;
  }),
  MATCHES: def(2, 3, (ctx, a, name) => {
    if (!isObject(a[0])) return typeMismatch(ctx, name);
    const doc = a[0];
    const examples = Array.isArray(a[1]) ? a[1] : [a[1]];
    const idx = examples.findIndex((e) => matches(doc, e));
    return truthy(a[2]) ? idx : idx >= 0;
  }),
  TRANSLATE: def(2, 3, (ctx, a, name) => {
    if (!isObject(a[1])) return typeMismatch(ctx, name);
    const key = toStringValue(arg(a, 0));
    if (Object.hasOwn(a[1], key)) return a[1][key];
    return a.length > 2 ? arg(a, 2) : arg(a, 0);
  }),
  NOT_NULL: def(1, VARIADIC, (_c, a) => a.find((v) => v !== null) ?? null),
  FIRST_LIST: def(1, VARIADIC, (_c, a) => a.find(Array.isArray) ?? null),
  FIRST_DOCUMENT: def(1, VARIADIC, (_c, a) => a.find(isObject) ?? null),
  PARSE_COLLECTION: def(1, 1, (ctx, a, name) => parseIdentifier(a[0])?.collection ?? typeMismatch(ctx, name)),
  PARSE_KEY: def(1, 1, (ctx, a, name) => parseIdentifier(a[0])?.key ?? typeMismatch(ctx, name)),
  VALUE: def(2, 2, (ctx, a, name) => {
    if (!isObject(a[0]) || !Array.isArray(a[1])) return typeMismatch(ctx, name);
    let cur: unknown = a[0];
    for (const p of a[1]) {
      if (Array.isArray(cur) && typeof p === 'number') cur = cur[p < 0 ? cur.length + p : p] ?? null;
      else if (isObject(cur) && typeof p === 'string') cur = Object.hasOwn(cur, p) ? cur[p] : null;
      else return null;
    }
    return cur;
  }),
  PARSE_IDENTIFIER: def(1, 1, (ctx, a, name) => parseIdentifier(a[0]) ?? typeMismatch(ctx, name)),
  IS_SAME_COLLECTION: def(2, 2, (ctx, a, name) => {
    const parsed = parseIdentifier(a[1]);
    if (typeof a[0] !== 'string') return typeMismatch(ctx, name);
    return parsed !== null && parsed.collection === a[0];
  }),
  DOCUMENT: def(1, 2, document),
  ENTRIES: def(1, 1, (ctx, a, name) => (isObject(a[0]) ? Object.entries(a[0]) : typeMismatch(ctx, name))),
  COLLECTIONS: def(0, 0, (ctx) => (ctx.source?.collections?.() ?? []).map((n: string) => ({ _id: n, name: n }))),
  COLLECTION_COUNT: def(1, 1, (ctx, a, name) => {
    if (typeof a[0] !== 'string' || ctx.source === null) return typeMismatch(ctx, name);
    if (!ctx.source.hasCollection(a[0])) throw new GdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${a[0]}`);
    let n = 0;
    for (const _doc of ctx.source.documents(a[0])) n++;
    return n;
  }),
  CURRENT_DATABASE: def(0, 0, (ctx) => ctx.database),
  CURRENT_USER: def(0, 0, (ctx) => ctx.user.name),
  CURRENT_USER_ATTRIBUTE: def(1, 1, (ctx, a) => ctx.user.attributes[toStringValue(a[0])] ?? null),
  CURRENT_APIKEY_ATTRIBUTE: def(1, 1, (ctx, a) => ctx.user.apiKeyAttributes[toStringValue(a[0])] ?? null),
  FAIL: def(0, 1, (_c, a) => {
    throw new GdnError('QUERY_FAIL_CALLED', `FAIL(${a.length ? toJson(a[0]) : ''}) called`);
  }),
  NOOPT: def(1, 1, (_c, a) => arg(a, 0)),
  PASSTHRU: def(1, 1, (_c, a) => arg(a, 0)),
  CALL: def(1, VARIADIC, (ctx, a, name) => (typeof a[0] === 'string' ? ctx.call(a[0], a.slice(1)) : typeMismatch(ctx, name))),
  APPLY: def(1, 2, (ctx, a, name) => {
    if (typeof a[0] !== 'string') return typeMismatch(ctx, name);
    return ctx.call(a[0], Array.isArray(a[1]) ? a[1] : []);
  }),
};

