import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { GdnError, type ErrorName } from '../core/errors.js';
import { formatIssues, schemasAlong } from '../core/zod-issues.js';

/**
 * Request validation: every route declares its params, query string, body and the headers it reads
 * as zod schemas (fastify-type-provider-zod types the handlers from them), and this compiler turns
 * a failed parse into the GDN envelope. A failure answers 400 with errorNum 10 (bad parameter)
 * unless the schema at the failing path was marked with the error ArangoDB uses there, e.g. a
 * missing `collection` parameter is 1204 and a document that is not an object is 1227.
 */
const errorOf = z.registry<{ error: ErrorName }>();

/** Marks a schema so that any failure at or below it answers with `error` instead of 10. */
export function answersWith<T extends z.ZodType>(error: ErrorName, schema: T): T {
  errorOf.add(schema, { error });
  return schema;
}

function markedError(schema: z.core.$ZodType): ErrorName | undefined {
  for (let s: z.core.$ZodType | undefined = schema; s; ) {
    const marked = errorOf.get(s);
    if (marked) return marked.error;
    const def = s._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    s = def.innerType ?? def.in;
  }
  return undefined;
}

/** The deepest marked schema on the failing path decides the error. */
function errorFor(root: z.core.$ZodType, path: readonly PropertyKey[]): ErrorName {
  let name: ErrorName = 'BAD_PARAMETER';
  for (const s of schemasAlong(root, path)) name = markedError(s) ?? name;
  return name;
}

export function requestError(schema: z.core.$ZodType, part: string, input: unknown, issues: readonly z.core.$ZodIssue[]): GdnError {
  return new GdnError(errorFor(schema, issues[0]?.path ?? []), formatIssues(issues, schema, input, part));
}

/**
 * A strip-mode object schema parses any input that has none of its keys to one and the same value.
 * Most requests on the hot paths send no query parameters and no conditional headers, so that
 * value is computed once per route and shared (frozen: handlers only read it). When it is all
 * undefined the raw input already reads the same, and is left in place: assigning parsed headers
 * would make Fastify merge them into a fresh object on every later read of `req.headers`.
 */
function absentKeysShortcut(schema: z.core.$ZodType): Shortcut | null {
  const def = schema._zod.def as { type: string; catchall?: unknown; shape?: Record<string, unknown> };
  if (def.type !== 'object' || def.catchall !== undefined || !def.shape) return null;
  const r = z.safeParse(schema, {});
  if (!r.success) return null;
  const asRaw = Object.values(r.data as object).every((v) => v === undefined);
  return { keys: Object.keys(def.shape), result: asRaw ? {} : { value: Object.freeze(r.data) } };
}

interface Shortcut {
  keys: string[];
  result: { value?: unknown };
}

/**
 * Worked out on a schema's first request, and once per schema: a PoP's app compiles a validator for
 * every route at start-up, and parsing even `{}` costs zod its first, compiling run of the schema,
 * which then fell on every route of every PoP at start, used or not. Route schemas are shared
 * module constants, so the PoPs of one thread share the answer too.
 */
const shortcuts = new WeakMap<z.core.$ZodType, Shortcut | null>();
function shortcutOf(schema: z.core.$ZodType): Shortcut | null {
  let s = shortcuts.get(schema);
  if (s === undefined) shortcuts.set(schema, (s = absentKeysShortcut(schema)));
  return s;
}

/** Fastify's schema compiler for zod schemas: the parsed value (with defaults and transforms) replaces the raw one. */
export const validatorCompiler: FastifySchemaCompiler<z.core.$ZodType> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'request';
  let shortcut: Shortcut | null | undefined;
  return (data) => {
    if (shortcut === undefined) shortcut = shortcutOf(schema);
    if (shortcut && typeof data === 'object' && data !== null && shortcut.keys.every((k) => (data as Record<string, unknown>)[k] === undefined)) {
      return shortcut.result;
    }
    const r = z.safeParse(schema, data);
    return r.success ? { value: r.data } : { error: requestError(schema, part, data, r.error.issues) };
  };
};
