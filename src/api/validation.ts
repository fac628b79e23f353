import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
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

const asIs = z.registry<{ check: (input: unknown) => boolean }>();

/**
 * Marks a schema whose parse of an input that passes `check` is that input, unchanged (no default,
 * transform or stripped key applies to it), so the compiler answers such an input without zod: on
 * the hottest bodies zod's copy of every element costs more than the write it guards. An input
 * that fails `check` still goes to zod, which accepts it or explains why not, so `check` may be
 * stricter than the schema but never looser.
 */
export function acceptedAsIs<T extends z.core.$ZodType>(schema: T, check: (input: unknown) => boolean): T {
  asIs.add(schema, { check });
  return schema;
}

/**
 * An object of plain strings (path parameters: `{fabric, name}`) parses to a copy of itself when
 * the input holds exactly those keys, all strings; every route has one, so it is checked in place.
 */
function plainStringsCheck(schema: z.core.$ZodType): ((input: unknown) => boolean) | undefined {
  const def = schema._zod.def as { type: string; catchall?: unknown; shape?: Record<string, z.core.$ZodType> };
  if (def.type !== 'object' || def.catchall !== undefined || !def.shape) return undefined;
  const keys = Object.keys(def.shape);
  const plain = (s: z.core.$ZodType) => {
    const d = s._zod.def as { type: string; checks?: unknown[]; coerce?: boolean };
    return d.type === 'string' && !d.coerce && (d.checks?.length ?? 0) === 0;
  };
  if (keys.length === 0 || !keys.every((k) => plain(def.shape![k]!))) return undefined;
  return (input) => {
    if (typeof input !== 'object' || input === null) return false;
    const o = input as Record<string, unknown>;
    let n = 0;
    for (const k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
      if (typeof o[k] !== 'string' || !Object.prototype.hasOwnProperty.call(def.shape, k)) return false;
      n++;
    }
    return n === keys.length;
  };
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
  // No zod run here (plainStringsCheck reads only the schema's definition), unlike the shortcut.
  const unchanged = asIs.get(schema)?.check ?? plainStringsCheck(schema);
  let shortcut: Shortcut | null | undefined;
  return (data) => {
    if (unchanged?.(data)) return { value: data };
    if (shortcut === undefined) shortcut = shortcutOf(schema);
    if (shortcut && typeof data === 'object' && data !== null && shortcut.keys.every((k) => (data as Record<string, unknown>)[k] === undefined)) {
      return shortcut.result;
    }
    const r = z.safeParse(schema, data);
    return r.success ? { value: r.data } : { error: requestError(schema, part, data, r.error.issues) };
  };
};

/**
 * The schema compilers of every Fastify app of ours, given when the app is made: zod validates
 * requests and no route declares a response schema (replies are JSON.stringify'd). Without them
 * Fastify loads ajv and fast-json-stringify for each app it builds, only for them to go unused:
 * about 35 ms of every PoP thread's start (issue 12).
 */
type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
const noResponseSchemas = () => ({ method, url }: { method: string; url: string }) => {
  throw new Error(`${method} ${url} declares a response schema; fabric-emu's apps reply without one (api/validation.ts)`);
};

// Fastify types these factories for ajv and fast-json-stringify; ours take zod schemas and none.
export const schemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: (() => validatorCompiler) as unknown as Compilers['buildValidator'],
    buildSerializer: noResponseSchemas as unknown as Compilers['buildSerializer'],
  },
};
