import { isGdnError, type ErrorName } from '../core/errors.js';
import { formatHlc } from '../core/hlc.js';
import type { Rng } from '../core/rng.js';
import { fabricKey } from '../core/scope.js';
import type { Collection, Doc, Storage } from '../storage/index.js';
import { canonical, type AckedChange, type Body } from './changes.js';
import { patchRegisters } from './oracle.js';

/** The default tenant's `_system` fabric, the storage key every simulated write goes to. */
export const FABRIC = fabricKey('_mm', '_system');

/** What the random writes draw from: few keys and attributes, so that writes collide. */
export interface WriteSpace {
  collections: readonly string[];
  keys: readonly string[];
  attrs: readonly string[];
  /** Share of writes that are collection truncate, drop or create. */
  ddlRate: number;
}

export const DEFAULT_WRITE_SPACE: WriteSpace = {
  collections: ['c0', 'c1'],
  keys: ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'],
  attrs: ['a', 'b', 'c', 'd'],
  ddlRate: 0.03,
};

export type Unnumbered<T> = T extends unknown ? Omit<T, 'n'> : never;

export type WriteAttempt =
  | { kind: 'written'; change: Unnumbered<AckedChange> }
  /** The PoP answered with an error, as it must (a PATCH of a missing document, say): nothing to replicate. */
  | { kind: 'refused'; error: ErrorName };

/** The local outcome of a write differs from what the API promises: a bug, not a replication fault. */
export class LocalWriteError extends Error {}

function userAttributes(doc: Doc | undefined): Body {
  const out: Body = {};
  for (const [k, v] of Object.entries(doc ?? {})) if (k !== '_key' && k !== '_id' && k !== '_rev') out[k] = v;
  return out;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

/** A JSON value: scalars, arrays, and objects nested up to `depth`, with nulls among them. */
function value(rng: Rng, depth: number): unknown {
  const roll = rng.int(depth > 0 ? 8 : 6);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.int(100);
    case 2:
      return `s${rng.int(20)}`;
    case 3:
      return rng.next() < 0.5;
    case 4:
      return [rng.int(10), rng.int(10)];
    case 5:
      return rng.int(1000) / 8;
    default: {
      const o: Body = {};
      for (const k of ['x', 'y', 'z']) if (rng.next() < 0.6) o[k] = value(rng, depth - 1);
      return o;
    }
  }
}

function body(rng: Rng, space: WriteSpace): Body {
  const b: Body = {};
  for (const a of space.attrs) if (rng.next() < 0.6) b[a] = value(rng, 2);
  return b;
}

function patchBody(rng: Rng, space: WriteSpace): Body {
  const b: Body = {};
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) b[pick(rng, space.attrs)] = rng.next() < 0.2 ? null : value(rng, 2);
  return b;
}

/** Each random write is one storage write, as one request is; it is acknowledged once committed. */
function transact<T>(s: Storage, fn: () => T): T {
  return s.write(fn);
}

/** The HLC the write just made was stamped with. */
function lastHlc(s: Storage): string {
  return formatHlc(s.hlc.peek());
}

/**
 * One random write at a PoP, chosen from what the PoP sees locally (a PATCH of a document it has,
 * an insert of a key it does not, or removed before). Checks the local outcome against the API's
 * semantics and returns the change in the oracle's terms.
 */
export function randomWrite(s: Storage, origin: string, rng: Rng, space: WriteSpace = DEFAULT_WRITE_SPACE): WriteAttempt {
  const name = pick(rng, space.collections);
  const c = s.collections.get(FABRIC, name);
  if (rng.next() < space.ddlRate || !c) return ddl(s, origin, rng, name, c);
  return documentWrite(s, origin, rng, space, c);
}

/** A write the API must refuse with `error`, and that must leave nothing behind. */
function refused(s: Storage, what: string, error: ErrorName, fn: () => unknown): WriteAttempt {
  const last = s.changes.lastSeq();
  try {
    transact(s, fn);
  } catch (e) {
    if (!isGdnError(e) || e.errorName !== error) throw e;
    if (s.changes.lastSeq() !== last) throw new LocalWriteError(`${what} was refused but logged a change`);
    return { kind: 'refused', error };
  }
  throw new LocalWriteError(`${what} succeeded; expected ${error}`);
}

function ddl(s: Storage, origin: string, rng: Rng, name: string, c: Collection | undefined): WriteAttempt {
  if (!c) {
    transact(s, () => s.collections.create(FABRIC, { name }));
    return { kind: 'written', change: { origin, hlc: lastHlc(s), collection: name, op: 'create' } };
  }
  const op = rng.next() < 0.6 ? 'truncate' : 'drop';
  transact(s, () => (op === 'truncate' ? s.collections.truncate(FABRIC, name) : s.collections.drop(FABRIC, name)));
  return { kind: 'written', change: { origin, hlc: lastHlc(s), collection: name, op } };
}

function documentWrite(s: Storage, origin: string, rng: Rng, space: WriteSpace, c: Collection): WriteAttempt {
  const key = pick(rng, space.keys);
  const before = s.documents.get(c, key);
  const old = userAttributes(before);
  const roll = rng.next();
  const base = { origin, collection: c.name, key };
  if (!before) {
    // An insert of a new or removed key; now and then a write the PoP must refuse.
    if (roll < 0.1) return refused(s, `PATCH of missing ${c.name}/${key} at ${origin}`, 'DOCUMENT_NOT_FOUND', () => s.documents.update(c, key, patchBody(rng, space)));
    const b = body(rng, space);
    transact(s, () => s.documents.insert(c, { _key: key, ...b }));
    return put(s, c, base, b);
  }
  if (roll < 0.2) {
    const b = body(rng, space);
    transact(s, () => s.documents.replace(c, key, b));
    return put(s, c, base, b);
  }
  if (roll < 0.3) {
    const b = body(rng, space);
    transact(s, () => s.documents.insert(c, { _key: key, ...b }, { overwriteMode: 'replace' }));
    return put(s, c, base, b);
  }
  if (roll < 0.75) {
    const p = patchBody(rng, space);
    const keepNull = rng.next() < 0.5;
    const mergeObjects = rng.next() < 0.7;
    const upsert = rng.next() < 0.2;
    transact(s, () =>
      upsert
        ? s.documents.insert(c, { _key: key, ...p }, { overwriteMode: 'update', keepNull, mergeObjects })
        : s.documents.update(c, key, p, { keepNull, mergeObjects }),
    );
    const { set, unset } = patchRegisters(old, p, keepNull, mergeObjects);
    const expected = { ...old, ...set };
    for (const k of unset) delete expected[k];
    expectLocal(s, c, key, expected, 'PATCH');
    return { kind: 'written', change: { ...base, hlc: lastHlc(s), op: 'patch', set, unset } };
  }
  if (roll < 0.8) return refused(s, `insert of existing ${c.name}/${key} at ${origin}`, 'UNIQUE_CONSTRAINT_VIOLATED', () => s.documents.insert(c, { _key: key, ...body(rng, space) }));
  transact(s, () => s.documents.remove(c, key));
  if (s.documents.get(c, key)) throw new LocalWriteError(`${c.name}/${key} still visible at ${origin} after its removal`);
  return { kind: 'written', change: { ...base, hlc: lastHlc(s), op: 'delete' } };
}

function put(s: Storage, c: Collection, base: { origin: string; collection: string; key: string }, b: Body): WriteAttempt {
  expectLocal(s, c, base.key, b, 'put');
  return { kind: 'written', change: { ...base, hlc: lastHlc(s), op: 'put', body: b } };
}

function expectLocal(s: Storage, c: Collection, key: string, expected: Body, what: string): void {
  const doc = s.documents.get(c, key);
  const got = userAttributes(doc);
  if (!doc || canonical(got) !== canonical(expected)) {
    throw new LocalWriteError(`${what} of ${c.name}/${key}: the PoP shows ${doc ? canonical(got) : 'nothing'}, expected ${canonical(expected)}`);
  }
  if (doc['_rev'] !== lastHlc(s)) throw new LocalWriteError(`${what} of ${c.name}/${key}: _rev ${String(doc['_rev'])} is not the write's HLC`);
}
