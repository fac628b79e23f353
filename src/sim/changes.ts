/** A document's user attributes (no _key, _id, _rev). */
export type Body = Record<string, unknown>;

interface Base {
  /** Position in the order the simulation saw writes acknowledged, for messages. */
  n: number;
  origin: string;
  /** The write's HLC as `_rev` renders it. */
  hlc: string;
  collection: string;
}

/**
 * A write the simulation saw acknowledged, in the terms the oracle replays: what each register
 * became, never how storage encodes it.
 */
export type AckedChange = Base &
  (
    | { op: 'put'; key: string; body: Body }
    | { op: 'patch'; key: string; set: Body; unset: string[] }
    | { op: 'delete'; key: string }
    | { op: 'truncate' | 'drop' | 'create' }
  );

export function describeChange(c: AckedChange): string {
  const what = 'key' in c ? `${c.op} ${c.collection}/${c.key}` : `${c.op} ${c.collection}`;
  return `#${c.n} ${what} at ${c.origin} (${c.hlc})`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with object keys sorted, for comparing values whatever their attribute order. */
export function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : isPlainObject(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x;
  return JSON.stringify(sort(v));
}
