/**
 * SQL fragments over the JSON `body` column of `documents`, shared by index DDL and push-down
 * queries. SQLite uses an expression index only when the query repeats the indexed expression
 * exactly, so both sides must build it here, with the JSON path inlined as a literal.
 */

/**
 * `["a", "b"]` → `$."a"."b"`. Every label is quoted because attribute names may hold any
 * character; SQLite's path syntax has no escape for `"` or `\`, and a NUL ends SQL text early, so
 * such paths give null (callers then decline to push down or refuse the index field).
 */
export function jsonPath(path: readonly string[]): string | null {
  if (path.length === 0 || path.some((p) => p === '' || p.includes('"') || p.includes('\\') || p.includes('\0'))) return null;
  return '$' + path.map((p) => `."${p}"`).join('');
}

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The value at `path` as SQLite returns it: numbers, text, 0/1 for booleans, JSON text for containers. */
export function extractExpr(path: string): string {
  return `json_extract(body, ${sqlString(path)})`;
}

/** The JSON type at `path`, with a missing attribute reading as 'null' (AQL: missing = null). */
export function typeExpr(path: string): string {
  return `IFNULL(json_type(body, ${sqlString(path)}), 'null')`;
}

/** `a.b` (index field notation) → ["a", "b"]. */
export function fieldPath(field: string): string[] {
  return field.split('.');
}

/** The `WHERE` of every partial index and push-down query: a literal cid so SQLite matches them. */
export function liveRows(cid: number): string {
  return `cid = ${Math.trunc(cid)} AND deleted = 0`;
}
