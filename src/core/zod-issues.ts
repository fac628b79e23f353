import type { z } from 'zod';

/**
 * The one way a zod issue becomes text, for regions.yaml, fixture manifests, request validation and
 * startFabric() options alike: `key.path: reason`. The reason is zod's message (or the schema's own),
 * except where a path-aware one helps more: an unknown key lists the allowed ones, a missing key says
 * so, and a root of the wrong type names the keys it should have.
 */
export interface IssueText {
  path: PropertyKey[];
  /** `regions[1].port`; `(root)` for the value itself. */
  key: string;
  reason: string;
  /** The issue is about a key that is absent from the input. */
  missing: boolean;
}

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

/** `regions[1].port`; the root is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/** The schema without the wrappers that do not change its shape; a pipe is seen from its input side. */
export function unwrapSchema(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = s._zod.def as Def;
    if (WRAPPERS.has(def.type)) s = def['innerType'] as Schema;
    else if (def.type === 'pipe') s = def['in'] as Schema;
    else if (def.type === 'lazy') s = (def['getter'] as () => Schema)();
    else return s;
  }
}

function child(schema: Schema, segment: PropertyKey): Schema | undefined {
  const s = unwrapSchema(schema);
  const def = s._zod.def as Def;
  switch (def.type) {
    case 'object':
      return (def['shape'] as Record<string, Schema>)[String(segment)] ?? (def['catchall'] as Schema | undefined);
    case 'array':
      return def['element'] as Schema;
    case 'record':
      return def['valueType'] as Schema;
    case 'tuple':
      return typeof segment === 'number' ? ((def['items'] as Schema[])[segment] ?? (def['rest'] as Schema | undefined)) : undefined;
    case 'union':
      for (const option of def['options'] as Schema[]) {
        const found = child(option, segment);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Every schema from the root down a path (fewer when the path leaves the schema), root first. */
export function schemasAlong(root: Schema, path: readonly PropertyKey[]): Schema[] {
  const out = [root];
  let s: Schema | undefined = root;
  for (const segment of path) {
    s = child(s, segment);
    if (!s) break;
    out.push(s);
  }
  return out;
}

/** The keys an object schema (or any object option of a union) accepts. */
export function objectKeys(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const s = unwrapSchema(schema);
  const def = s._zod.def as Def;
  if (def.type === 'object') return Object.keys(def['shape'] as object);
  if (def.type === 'union') return [...new Set((def['options'] as Schema[]).flatMap(objectKeys))];
  return [];
}

/** Describes each issue; `input` is the validated value, used to tell a missing key from a wrong one. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root: Schema, input: unknown): IssueText[] {
  return issues.flatMap((issue): IssueText[] => {
    const path = issue.path.slice();
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeys(schemasAlong(root, path).at(-1));
      return issue.keys.map((key) => {
        const p = [...path, key];
        return { path: p, key: formatPath(p), reason: `unknown key "${key}" (allowed: ${allowed.join(', ')})`, missing: false };
      });
    }
    if (issue.code === 'invalid_type' && path.length === 0 && issue.expected === 'object') {
      const keys = objectKeys(root);
      const reason = `expected an object${keys.length > 0 ? ` with the keys ${keys.join(', ')}` : ''}, got ${kindOf(input)}`;
      return [{ path, key: formatPath(path), reason, missing: false }];
    }
    const expected = issue.code === 'invalid_union' ? unionExpected(issue) : undefined;
    if (expected && (path.length === 0 || has(input, path))) {
      return [{ path, key: formatPath(path), reason: `expected ${expected}, got ${kindOf(valueAt(input, path))}`, missing: false }];
    }
    const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_union') && path.length > 0 && !has(input, path);
    const reason = missing ? `missing required key "${String(path.at(-1))}"` : issue.message;
    return [{ path, key: formatPath(path), reason, missing }];
  });
}

/** All issues on one line, `a.b: reason; c: reason`; `at` names what the root is (`body`, `options`). */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root: Schema, input: unknown, at?: string): string {
  return describeIssues(issues, root, input)
    .map((d) => `${at === undefined ? d.key : formatPath([at, ...d.path])}: ${d.reason}`)
    .join('; ');
}

/** "an object or an array" when every option of a union failed on the value's type alone. */
function unionExpected(issue: z.core.$ZodIssueInvalidUnion): string | undefined {
  const types = issue.errors.map((e) => (e.length === 1 && e[0]!.code === 'invalid_type' && e[0]!.path.length === 0 ? e[0]!.expected : undefined));
  if (types.length === 0 || types.some((t) => t === undefined)) return undefined;
  return [...new Set(types)].map((t) => (t === 'object' || t === 'array' ? `an ${t}` : String(t))).join(' or ');
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const segment of path) v = (v as Record<PropertyKey, unknown> | undefined)?.[segment];
  return v;
}

function has(value: unknown, path: readonly PropertyKey[]): boolean {
  let v = value;
  for (const segment of path) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, segment)) return false;
    v = (v as Record<PropertyKey, unknown>)[segment];
  }
  return v !== undefined;
}

/** `number 42`, `null`, `an array`: what a value is, for "expected X, got Y". */
export function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
