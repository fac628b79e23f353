import { z } from 'zod';

/**
 * Request fields shared by the route schemas. Query strings stay lenient where GDN is (unknown
 * parameters pass, an empty value means absent, a repeated one keeps its last value) and strict
 * where a value is wrong (a boolean that is not one, an unknown enum value).
 */
const Raw = z.union([z.string(), z.array(z.string())]).optional();

function lastValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return s === '' ? undefined : s;
}

const BOOLS: Readonly<Record<string, boolean>> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };

/** Booleans arrive as `true`, `True` (pyC8), `1` or `yes`, and their opposites. */
export function queryBool(fallback: boolean): z.ZodType<boolean, string | string[] | undefined>;
export function queryBool(): z.ZodType<boolean | undefined, string | string[] | undefined>;
export function queryBool(fallback?: boolean): z.ZodType<boolean | undefined, string | string[] | undefined> {
  return Raw.transform((raw, ctx) => {
    const v = lastValue(raw);
    if (v === undefined) return fallback;
    const b = BOOLS[v.toLowerCase()];
    if (b === undefined) {
      ctx.issues.push({ code: 'custom', input: v, message: `must be true or false (or 1/0, yes/no), got '${v}'` });
      return z.NEVER;
    }
    return b;
  }).meta({ description: `boolean: true/false, 1/0 or yes/no in any case${fallback === undefined ? '' : `; default ${fallback}`}` });
}

export const queryString = Raw.transform(lastValue);

/** The order of a listing by key: asc or desc, in any case; asc when absent. */
export const queryOrder = queryString
  .transform((v, ctx) => {
    const o = v?.toLowerCase() ?? 'asc';
    if (o === 'asc' || o === 'desc') return o;
    ctx.issues.push({ code: 'custom', input: v, message: `must be asc or desc (in any case), got '${v}'` });
    return z.NEVER;
  })
  .meta({ description: 'asc or desc, by key; default asc' });

/** A count or position: a non-negative integer, `fallback` when absent. */
export function queryCount(fallback: number): z.ZodType<number, string | string[] | undefined>;
export function queryCount(): z.ZodType<number | undefined, string | string[] | undefined>;
export function queryCount(fallback?: number): z.ZodType<number | undefined, string | string[] | undefined> {
  return Raw.transform((raw, ctx) => {
    const v = lastValue(raw);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) {
      ctx.issues.push({ code: 'custom', input: v, message: `must be a non-negative integer, got '${v}'` });
      return z.NEVER;
    }
    return n;
  }).meta({ description: `non-negative integer${fallback === undefined ? '' : `; default ${fallback}`}` });
}

/** A parameter the route cannot do without; absent and empty are both missing. */
export const queryRequired = z
  .union([z.string(), z.array(z.string())])
  .transform(lastValue)
  .pipe(z.string({ error: 'missing required parameter' }));

export function queryEnum<const T extends readonly string[]>(values: T): z.ZodType<T[number] | undefined, string | string[] | undefined> {
  return Raw.transform((raw, ctx) => {
    const v = lastValue(raw);
    if (v === undefined || values.includes(v)) return v as T[number] | undefined;
    ctx.issues.push({ code: 'custom', input: v, message: `must be one of ${values.join(', ')}, got '${v}'` });
    return z.NEVER;
  }).meta({ description: `one of ${values.join(', ')}` });
}

/** `If-Match` / `If-None-Match` carry a revision, possibly quoted as an entity tag. */
export const revHeader = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v.replace(/^W\//, '').replace(/^"(.*)"$/, '$1')));

/** A JSON boolean in a body; `null` counts as absent, as ArangoDB reads it. */
export const bodyBool = z.boolean().nullish();

export const FabricParams = z.object({ fabric: z.string() });
