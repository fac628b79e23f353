import { z } from 'zod';
import { gdnError, type ErrorName } from '../core/errors.js';

/** Parses a request body with a zod schema; a mismatch is the GDN envelope naming each problem (400 unless told). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, expecting: string, error: ErrorName = 'BAD_PARAMETER'): T {
  const r = schema.safeParse(body ?? undefined);
  if (!r.success) throw gdnError(error, `${expecting}: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The params schema of a route: each named path parameter a string (route-schemas.test checks they match the URL). */
export function pathParams<const K extends string>(...names: K[]): z.ZodObject<Record<K, z.ZodString>> {
  return z.object(Object.fromEntries(names.map((n) => [n, z.string()])) as Record<K, z.ZodString>);
}
