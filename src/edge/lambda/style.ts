/** Lambda's handler: `export async function handler(event, context)`, or CommonJS `exports.handler`. */
export function findHandler(mod: Record<string, unknown>): ((event: unknown, context: unknown) => unknown) | string {
  const def = mod['default'] as Record<string, unknown> | undefined;
  const h = mod['handler'] ?? (typeof def === 'object' && def !== null ? def['handler'] : undefined);
  if (typeof h === 'function') return h as (event: unknown, context: unknown) => unknown;
  if (typeof def === 'object' && def !== null && typeof def['fetch'] === 'function') {
    return 'exports a default object with fetch(): that is a Cloudflare Worker; run it with --runtime workers';
  }
  return 'exports no `handler(event)` function (export async function handler(event) { … }, or exports.handler = …)';
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 40))}` : typeof v);

/** What API Gateway would refuse in a Lambda proxy result; undefined when it is well formed. */
export function lambdaResultProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `expected an object { statusCode, headers?, body? }, got ${describe(v)}`;
  const r = v as Record<string, unknown>;
  const s = r['statusCode'];
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 100 || s > 599) return `statusCode must be an integer from 100 to 599, got ${describe(s)}${typeof s === 'number' ? ` ${s}` : ''}`;
  if (r['body'] !== undefined && typeof r['body'] !== 'string') return `body must be a string (JSON.stringify it), got ${describe(r['body'])}`;
  const h = r['headers'];
  if (h !== undefined) {
    if (typeof h !== 'object' || h === null || Array.isArray(h)) return `headers must be an object of strings, got ${describe(h)}`;
    for (const [k, val] of Object.entries(h)) if (!['string', 'number', 'boolean'].includes(typeof val)) return `headers.${k} must be a string, got ${describe(val)}`;
  }
  if (r['isBase64Encoded'] !== undefined && typeof r['isBase64Encoded'] !== 'boolean') return `isBase64Encoded must be a boolean, got ${describe(r['isBase64Encoded'])}`;
  if (r['cookies'] !== undefined && !(Array.isArray(r['cookies']) && r['cookies'].every((c) => typeof c === 'string'))) return 'cookies must be an array of strings';
  return undefined;
}
