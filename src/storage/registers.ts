/**
 * A document as a map of last-writer-wins registers (docs/replication.md): one existence register
 * and one register per top-level attribute, each stamped with the clock `<hlc>|<origin>` of the
 * write that set it; clocks order as clocks.ts says.
 *
 * Stored compactly: `b` is the clock of the last insert/replace/delete, which set the existence
 * register and every attribute register at once; `a` holds the attributes a later PATCH set, each
 * with a clock greater than `b`. An attribute without an entry in `a` has clock `b`. `b` is '' for a
 * document only ever patched here (its insert has not arrived yet), which sorts below every clock.
 *
 * Local writes and replicated ones go through these same functions, so a replica converges to the
 * same state whatever the order in which it receives the changes.
 */
import { compareClocks, hlcOfClock, NEVER_WRITTEN, newer, newestOf } from './clocks.js';

export type Body = Record<string, unknown>;

export interface Meta {
  b: string;
  a?: Record<string, string>;
}

export interface RegisterState {
  deleted: boolean;
  meta: Meta;
  /** The attributes whose registers hold a value (system attributes excluded). */
  body: Body;
}

export type RegisterWrite =
  | { kind: 'put'; body: Body }
  | { kind: 'patch'; set: Body; unset: readonly string[] }
  | { kind: 'delete' };

const NEVER: RegisterState = { deleted: true, meta: { b: NEVER_WRITTEN }, body: {} };

/** Explicit attribute clocks that a write at `clock` does not override. */
function newerThan(a: Record<string, string> | undefined, clock: string): Record<string, string> | undefined {
  if (!a) return undefined;
  let out: Record<string, string> | undefined;
  for (const [k, c] of Object.entries(a)) {
    if (newer(c, clock)) (out ??= {})[k] = c;
  }
  return out;
}

function meta(b: string, a: Record<string, string> | undefined): Meta {
  return a ? { b, a } : { b };
}

/**
 * Attribute order is part of what a client reads, so it must converge too: attributes come in the
 * order of the write that last set them, oldest first. Those of the last insert/replace keep its
 * body's order; those a later PATCH set follow by clock, by name within one PATCH. Arrival order
 * would differ between replicas that received the PATCHes in different orders.
 */
function ordered(body: Body, a: Record<string, string> | undefined): Body {
  if (!a) return body;
  const late = Object.keys(body).filter((k) => k in a);
  if (late.length === 0) return body;
  late.sort((x, y) => compareClocks(a[x]!, a[y]!) || (x < y ? -1 : x > y ? 1 : 0));
  const out: Body = {};
  for (const [k, v] of Object.entries(body)) if (!(k in a)) out[k] = v;
  for (const k of late) out[k] = body[k];
  return out;
}

/** The shape of the document register merge; see StorageOptions.merge. */
export type RegisterMerge = (prev: RegisterState | undefined, clock: string, w: RegisterWrite) => RegisterState | undefined;

/** Applies one write; returns undefined when it changes nothing (every register is newer). */
export function applyWrite(prev: RegisterState | undefined, clock: string, w: RegisterWrite): RegisterState | undefined {
  const state = prev ?? NEVER;
  if (w.kind === 'patch') {
    const a = { ...state.meta.a };
    const body = { ...state.body };
    let changed = false;
    const touch = (attr: string, present: boolean, value?: unknown) => {
      if (!newer(clock, a[attr] ?? state.meta.b)) return;
      a[attr] = clock;
      if (present) body[attr] = value;
      else delete body[attr];
      changed = true;
    };
    for (const [k, v] of Object.entries(w.set)) touch(k, true, v);
    for (const k of w.unset) touch(k, false);
    return changed ? { deleted: state.deleted, meta: meta(state.meta.b, a), body: ordered(body, a) } : undefined;
  }
  if (!newer(clock, state.meta.b)) return undefined;
  const kept = newerThan(state.meta.a, clock);
  const body: Body = w.kind === 'put' ? { ...w.body } : {};
  for (const attr of Object.keys(kept ?? {})) {
    if (attr in state.body) body[attr] = state.body[attr];
    else delete body[attr];
  }
  return { deleted: w.kind === 'delete', meta: meta(clock, kept), body: ordered(body, kept) };
}

/** `_rev` of a document: the HLC of its newest register. */
export function revisionOf(m: Meta): string {
  return hlcOfClock(newestClock(m));
}

/** The newest clock of any register, used to decide whether a truncate or drop removes the row. */
export function newestClock(m: Meta): string {
  return m.a ? newestOf([m.b, ...Object.values(m.a)]) : m.b;
}
