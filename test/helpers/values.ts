/** Comparison of query results by spec/c8ql.md §5.2, shared by the project's cases and the corpus. */
/** `tolerance`: an absolute one (a source that rounded); else relative 1e-12. */
function numbersClose(a: number, b: number, tolerance?: number): boolean {
  if (a === b) return true;
  if (tolerance !== undefined) return Math.abs(a - b) <= tolerance;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** Deep equality: numbers with relative tolerance 1e-12 (or the absolute `tolerance`), object key order ignored. */
export function deepEqual(a: unknown, b: unknown, tolerance?: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return numbersClose(a, b, tolerance);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i], tolerance));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k)
    && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance));
}

export function multisetEqual(a: unknown[], b: unknown[], tolerance?: number): boolean {
  if (a.length !== b.length) return false;
  const rest = [...b];
  for (const x of a) {
    const i = rest.findIndex((y) => deepEqual(x, y, tolerance));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

/** A result compared as a multiset: the rows, or the single row's array when there is one. */
export function unorderedEqual(actual: unknown[], expected: unknown[], tolerance?: number): boolean {
  const single = expected.length === 1 && Array.isArray(expected[0]) && actual.length === 1 && Array.isArray(actual[0]);
  return single ? multisetEqual(actual[0] as unknown[], expected[0] as unknown[], tolerance) : multisetEqual(actual, expected, tolerance);
}
