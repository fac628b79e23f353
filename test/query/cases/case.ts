/**
 * The project's own C8QL cases: expected values written from AQL's documented semantics
 * (spec/c8ql.md), one `it` per case, grouped by feature.
 */
export type Docs = Record<string, Record<string, unknown>[]>;

export interface QueryCase {
  query: string;
  bind?: Record<string, unknown>;
  /** The full result array. */
  expected?: unknown[];
  /** The query fails with this errorNum. */
  error?: number;
  /** Warning codes the query registers, in order. */
  warnings?: number[];
  /** Compare the result (or its single inner array) as a multiset. */
  unordered?: boolean;
  /** Collections to create instead of the standard data set. */
  data?: Docs;
  /** A query run afterwards on the same data, and its expected result (for writes). */
  then?: { query: string; expected: unknown[] };
}

export interface Feature {
  feature: string;
  cases: QueryCase[];
}

/** `RETURN expr` gives one value. */
export const ret = (expr: string, value: unknown, more: Partial<QueryCase> = {}): QueryCase =>
  ({ query: `RETURN ${expr}`, expected: [value], ...more });

/** A query and its full result. */
export const q = (query: string, expected: unknown[], more: Partial<QueryCase> = {}): QueryCase =>
  ({ query, expected, ...more });

/** A query that fails with `error`. */
export const err = (query: string, error: number, more: Partial<QueryCase> = {}): QueryCase =>
  ({ query, error, ...more });

/** `RETURN expr` gives `value` and registers the warnings. */
export const warn = (expr: string, value: unknown, warnings: number[]): QueryCase =>
  ({ query: `RETURN ${expr}`, expected: [value], warnings });

/** The standard data set every case reads unless it brings its own. */
export function standardData(): Docs {
  return {
    users: [
      { _key: 'ann', name: 'Ann', age: 30, city: 'Berlin', tags: ['a', 'b'], active: true },
      { _key: 'bob', name: 'Bob', age: 25, city: 'Paris', tags: ['b'], active: false },
      { _key: 'cy', name: 'Cy', age: null, city: 'Berlin', active: true },
      { _key: 'dee', name: 'dee', age: 41, city: 'Rome', tags: [], active: true },
      { _key: 'eve', name: 'Eve', age: 25, city: 'Paris', tags: ['c', 'a'], active: false },
    ],
    orders: [
      { _key: 'o1', user: 'ann', total: 10, items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 2 }] },
      { _key: 'o2', user: 'bob', total: 25.5, items: [{ sku: 'x', qty: 3 }] },
      { _key: 'o3', user: 'ann', total: 7, items: [] },
    ],
    empty: [],
  };
}
