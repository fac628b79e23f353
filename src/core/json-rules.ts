/*
 * What JSON fabric-emu takes, wherever it comes from: a request body (documents, bind parameters,
 * options), a replicated change, a stored document, JSON_PARSE. docs/limits.md lists the bounds.
 */

/**
 * How deep a value may nest; the document or body itself is level 1. Below SQLite's JSON depth
 * limit (1000), so that every stored document stays readable by the json_extract of push-down
 * filters, sorts and index expressions, and far below what JSON.stringify and the engine's
 * recursive walks can take.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * `__proto__` as an attribute name is refused, not stored: a JavaScript object cannot hold it as
 * data (assigning it sets the prototype, so the attribute would vanish without a word), and
 * refusing it in every entry point is what keeps it from vanishing in any of them.
 */
export const PROTO_KEY = '__proto__';
export const PROTO_KEY_MESSAGE = "attribute name '__proto__' is not supported by fabric-emu (docs/compatibility.md)";

function walk(v: unknown, depth: number, maxDepth: number): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : 'number out of range (beyond the range of a double)';
  if (typeof v !== 'object' || v === null) return undefined;
  if (depth >= maxDepth) return `nested more than ${maxDepth} levels deep (docs/limits.md)`;
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = walk(x, depth + 1, maxDepth);
      if (p) return p;
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    if (k === PROTO_KEY) return PROTO_KEY_MESSAGE;
    const p = walk((v as Record<string, unknown>)[k], depth + 1, maxDepth);
    if (p) return p;
  }
  return undefined;
}

/**
 * Why a parsed JSON value cannot be taken, or undefined: nested deeper than `maxDepth`, a number
 * JSON.parse turned into Infinity (`1e309`, which would be stored as null), or a `__proto__` key.
 * The walk stops at `maxDepth`, so it never recurses deeper than that however deep the value is.
 */
export function jsonProblem(v: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  return walk(v, 0, maxDepth);
}
