import { canonical, describeChange, isPlainObject, type AckedChange, type Body } from './changes.js';

/**
 * The sequential oracle: every acknowledged change replayed one after another in (HLC, origin)
 * order onto plain maps. Last-writer-wins registers must give the same result as this replay
 * whatever order a replica received the changes in, so a replica that disagrees broke a rule.
 * It is written from docs/replication.md, not from src/storage/registers.ts, and knows nothing of
 * how storage encodes registers.
 *
 * Each value remembers the change that wrote it, so that every acknowledged change is either
 * still visible or superseded by a named later one.
 */
interface Reg<T> {
  value: T;
  by: AckedChange | undefined;
}

interface DocModel {
  exists: Reg<boolean>;
  /** Attributes written since `rest`; an undefined value is an attribute removed. */
  attrs: Map<string, Reg<unknown>>;
  /** The change that set every attribute not in `attrs` (to absent, or to the put's body). */
  rest: AckedChange | undefined;
}

interface CollectionModel {
  live: Reg<boolean>;
  docs: Map<string, DocModel>;
}

/** What a replica must show for one collection: its visible documents, by key. */
export interface ExpectedCollection {
  docs: Map<string, { rev: string; body: Body }>;
}

/** What a replica shows, in the same terms. */
export interface ReplicaView {
  collections: Map<string, Map<string, { rev: string; body: Body }>>;
}

function order(a: AckedChange, b: AckedChange): number {
  return a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0;
}

function freshDoc(by: AckedChange | undefined): DocModel {
  return { exists: { value: false, by }, attrs: new Map(), rest: by };
}

export class Oracle {
  private readonly changes: AckedChange[] = [];
  private replayed: Map<string, CollectionModel> | undefined;

  /** A change known to have been written before the schedule (setup) or acknowledged during it. */
  add(c: AckedChange): void {
    this.changes.push(c);
    this.replayed = undefined;
  }

  get size(): number {
    return this.changes.length;
  }

  all(): readonly AckedChange[] {
    return this.changes;
  }

  /** Live collections and their visible documents after replaying everything in clock order. */
  expected(): Map<string, ExpectedCollection> {
    const out = new Map<string, ExpectedCollection>();
    for (const [name, c] of this.replay()) {
      if (!c.live.value) continue;
      const docs = new Map<string, { rev: string; body: Body }>();
      for (const [key, d] of c.docs) if (d.exists.value) docs.set(key, { rev: newestHlc(d), body: bodyOf(d) });
      out.set(name, { docs });
    }
    return out;
  }

  /** Differences between a replica and the oracle, as readable lines (empty when it agrees). */
  disagreements(view: ReplicaView, limit = 10): string[] {
    const out: string[] = [];
    const expected = this.expected();
    const say = (s: string) => out.length < limit && out.push(s);
    for (const name of new Set([...expected.keys(), ...view.collections.keys()])) {
      const want = expected.get(name);
      const got = view.collections.get(name);
      if (!want || !got) {
        say(`collection ${name}: ${want ? 'missing' : 'present but the oracle says it is dropped or never created'}`);
        continue;
      }
      for (const key of new Set([...want.docs.keys(), ...got.keys()])) {
        const w = want.docs.get(key);
        const g = got.get(key);
        if (!w || !g) say(`${name}/${key}: ${w ? `missing (expected ${canonical(w.body)} @${w.rev})` : `present (${canonical(g!.body)} @${g!.rev}) but the oracle says absent`}`);
        else if (w.rev !== g.rev || canonical(w.body) !== canonical(g.body)) say(`${name}/${key}: ${canonical(g.body)} @${g.rev}, expected ${canonical(w.body)} @${w.rev}`);
      }
    }
    return out;
  }

  /**
   * Acknowledged changes whose effect a replica does not show although no later change (in the
   * oracle's order) superseded it: lost writes. Each register the oracle holds names the change
   * that wrote it, and the replica must show that register's value.
   */
  lost(view: ReplicaView): Map<AckedChange, string> {
    const lost = new Map<AckedChange, string>();
    const blame = (by: AckedChange | undefined, why: string) => {
      if (by && !lost.has(by)) lost.set(by, why);
    };
    for (const [name, c] of this.replay()) {
      const got = view.collections.get(name);
      if (c.live.value !== (got !== undefined)) {
        blame(c.live.by, `collection ${name} is ${got ? 'live' : 'absent'} at the replica`);
        continue;
      }
      if (!got) continue;
      for (const [key, d] of c.docs) {
        const g = got.get(key);
        if (d.exists.value !== (g !== undefined)) {
          blame(d.exists.by, `${name}/${key} is ${g ? 'visible' : 'absent'} at the replica`);
          continue;
        }
        if (!g) continue;
        for (const [attr, r] of d.attrs) {
          if (r.value === undefined ? attr in g.body : canonical(g.body[attr]) !== canonical(r.value)) {
            blame(r.by, `${name}/${key}.${attr} is ${attr in g.body ? canonical(g.body[attr]) : 'absent'} at the replica`);
          }
        }
        for (const attr of Object.keys(g.body)) if (!d.attrs.has(attr)) blame(d.rest, `${name}/${key}.${attr} is present at the replica`);
      }
    }
    return lost;
  }

  /** Acknowledged changes of which no register survives: overwritten by later ones, as the rules say. */
  superseded(): number {
    const alive = new Set<AckedChange>();
    const keep = (c: AckedChange | undefined) => c && alive.add(c);
    for (const c of this.replay().values()) {
      keep(c.live.by);
      for (const d of c.docs.values()) {
        keep(d.exists.by);
        keep(d.rest);
        for (const r of d.attrs.values()) keep(r.by);
      }
    }
    return this.changes.filter((c) => !alive.has(c)).length;
  }

  describe(c: AckedChange): string {
    return describeChange(c);
  }

  private replay(): Map<string, CollectionModel> {
    if (this.replayed) return this.replayed;
    const colls = new Map<string, CollectionModel>();
    const coll = (name: string) => {
      let c = colls.get(name);
      if (!c) colls.set(name, (c = { live: { value: false, by: undefined }, docs: new Map() }));
      return c;
    };
    for (const w of [...this.changes].sort(order)) {
      const c = coll(w.collection);
      switch (w.op) {
        case 'create':
          c.live = { value: true, by: w };
          break;
        case 'drop':
          c.live = { value: false, by: w };
          for (const key of c.docs.keys()) c.docs.set(key, freshDoc(w));
          break;
        case 'truncate':
          for (const key of c.docs.keys()) c.docs.set(key, freshDoc(w));
          break;
        case 'put': {
          const d: DocModel = { exists: { value: true, by: w }, attrs: new Map(), rest: w };
          for (const [k, v] of Object.entries(w.body)) d.attrs.set(k, { value: v, by: w });
          c.docs.set(w.key, d);
          break;
        }
        case 'delete':
          c.docs.set(w.key, freshDoc(w));
          break;
        case 'patch': {
          // A PATCH sets attribute registers only: it never makes a deleted document exist again.
          const d = c.docs.get(w.key) ?? freshDoc(undefined);
          for (const [k, v] of Object.entries(w.set)) d.attrs.set(k, { value: v, by: w });
          for (const k of w.unset) d.attrs.set(k, { value: undefined, by: w });
          c.docs.set(w.key, d);
          break;
        }
      }
    }
    this.replayed = colls;
    return colls;
  }
}

function bodyOf(d: DocModel): Body {
  const out: Body = {};
  for (const [k, r] of d.attrs) if (r.value !== undefined) out[k] = r.value;
  return out;
}

/** `_rev`: the HLC of the newest write to any of the document's registers. */
function newestHlc(d: DocModel): string {
  let max = '';
  for (const c of [d.exists.by, d.rest, ...[...d.attrs.values()].map((r) => r.by)]) if (c && c.hlc > max) max = c.hlc;
  return max;
}

/**
 * What a PATCH writes, in registers: the top-level attributes it names get their merged value
 * (ArangoDB semantics: keepNull=false removes null attributes at any depth, mergeObjects merges an
 * object into the object it replaces), or are removed. `old` is the document as the origin saw it.
 */
export function patchRegisters(old: Body, patch: Body, keepNull: boolean, mergeObjects: boolean): { set: Body; unset: string[] } {
  const dropNulls = (v: unknown): unknown =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, dropNulls(x)])) : v;
  const merged = (before: unknown, after: unknown): unknown => {
    if (!mergeObjects || !isPlainObject(before) || !isPlainObject(after)) return keepNull ? after : dropNulls(after);
    const out: Body = { ...before };
    for (const [k, v] of Object.entries(after)) {
      if (v === null && !keepNull) delete out[k];
      else out[k] = merged(before[k], v);
    }
    return out;
  };
  const set: Body = {};
  const unset: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '_key' || k === '_id' || k === '_rev') continue;
    if (v === null && !keepNull) unset.push(k);
    else set[k] = merged(old[k], v);
  }
  return { set, unset };
}
