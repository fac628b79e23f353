/**
 * What CloudFront refuses in a Lambda@Edge result (AWS: "Restrictions on edge functions", "Quotas on
 * Lambda@Edge"). CloudFront answers a refused result with a 502; so does `fabric-emu dev`, naming
 * the rule. Each function returns the problem, or undefined when the result is acceptable.
 */
import { side, type CfHeaders, type CfRequest, type CfResponse, type CloudFrontTrigger } from './cloudfront.js';

/** Headers a function may read but not change, per trigger. */
export const READ_ONLY: Record<CloudFrontTrigger, readonly string[]> = {
  'viewer-request': ['content-length', 'host', 'transfer-encoding', 'via'],
  'origin-request': ['accept-encoding', 'content-length', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'transfer-encoding', 'via'],
  'origin-response': ['transfer-encoding', 'via'],
  'viewer-response': ['content-encoding', 'content-length', 'transfer-encoding', 'warning', 'via'],
};

/** Headers a function may not add at all. */
const DISALLOWED = /^(connection|expect|keep-alive|proxy-authenticate|proxy-authorization|proxy-connection|trailer|upgrade|x-accel-[a-z-]+|x-amz-cf-[a-z-]+|x-amzn-[a-z-]+|x-cache|x-edge-[a-z-]+|x-forwarded-proto|x-real-ip)$/;

/** Largest response a function may generate, headers and body together. */
export const GENERATED_LIMIT: Record<'viewer' | 'origin', number> = { viewer: 40 * 1024, origin: 1024 * 1024 };

/** Seconds a function may run before CloudFront gives up. */
export const TIMEOUT_MS: Record<'viewer' | 'origin', number> = { viewer: 5_000, origin: 30_000 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function headersProblem(h: unknown, where: string): string | undefined {
  if (!isObject(h)) return `${where} must be an object of header arrays, e.g. { 'content-type': [{ key: 'Content-Type', value: 'text/html' }] }`;
  for (const [name, list] of Object.entries(h)) {
    if (name !== name.toLowerCase()) return `${where}: header name '${name}' must be lower case`;
    if (!Array.isArray(list)) return `${where}['${name}'] must be an array of { key, value }`;
    for (const e of list) {
      if (!isObject(e) || typeof e['value'] !== 'string') return `${where}['${name}'] entries must be { key?, value } with a string value`;
      if (e['key'] !== undefined && (typeof e['key'] !== 'string' || e['key'].toLowerCase() !== name)) return `${where}['${name}']: key '${String(e['key'])}' does not match the header name`;
    }
  }
  return undefined;
}

const same = (a: CfHeaders, b: CfHeaders, name: string) => JSON.stringify((a[name] ?? []).map((e) => e.value)) === JSON.stringify((b[name] ?? []).map((e) => e.value));

/** Read-only headers unchanged, no disallowed header added. */
function changesProblem(trigger: CloudFrontTrigger, before: CfHeaders, after: CfHeaders): string | undefined {
  for (const name of READ_ONLY[trigger]) if (!same(before, after, name)) return `the ${name} header is read-only in ${trigger} functions`;
  for (const name of Object.keys(after)) if (DISALLOWED.test(name) && !same(before, after, name)) return `the ${name} header may not be set by a Lambda@Edge function`;
  return undefined;
}

export function isResponse(v: unknown): boolean {
  return isObject(v) && 'status' in v;
}

/** A response returned from any trigger; `original` is what it replaces (response triggers). */
export function responseProblem(trigger: CloudFrontTrigger, v: unknown, original?: CfResponse): string | undefined {
  if (!isObject(v)) return `expected a response object { status, headers?, body? }, got ${v === null ? 'null' : typeof v}`;
  const status = Number(v['status']);
  if ((typeof v['status'] !== 'string' && typeof v['status'] !== 'number') || !Number.isInteger(status) || status < 100 || status > 599) {
    return `status must be an HTTP status code from 100 to 599 (a string, as CloudFront sends it), got ${JSON.stringify(v['status'])}`;
  }
  if (v['statusDescription'] !== undefined && typeof v['statusDescription'] !== 'string') return 'statusDescription must be a string';
  if (v['headers'] !== undefined) {
    const p = headersProblem(v['headers'], 'response.headers');
    if (p) return p;
  }
  if (v['body'] !== undefined && typeof v['body'] !== 'string') return `body must be a string, got ${typeof v['body']}`;
  if (v['bodyEncoding'] !== undefined && v['bodyEncoding'] !== 'text' && v['bodyEncoding'] !== 'base64') return `bodyEncoding must be 'text' or 'base64'`;
  const headers = (v['headers'] ?? {}) as CfHeaders;
  if (original) {
    const p = changesProblem(trigger, original.headers, headers);
    if (p) return p;
  }
  const limit = GENERATED_LIMIT[side(trigger)];
  const size = JSON.stringify(headers).length + Buffer.byteLength(String(v['body'] ?? ''), v['bodyEncoding'] === 'base64' ? 'base64' : 'utf8');
  if ((v['body'] !== undefined || !original) && size > limit) return `the generated response is ${size} bytes; ${trigger} functions may generate at most ${limit} bytes (headers and body)`;
  return undefined;
}

/** A request returned from a request trigger, to go on towards the origin. */
export function requestProblem(trigger: CloudFrontTrigger, v: unknown, original: CfRequest): string | undefined {
  if (!isObject(v)) return `expected the request (to forward it) or a response, got ${v === null ? 'null' : typeof v}`;
  if (typeof v['uri'] !== 'string' || !v['uri'].startsWith('/')) return `request.uri must be a path starting with '/', got ${JSON.stringify(v['uri'])}`;
  if (v['querystring'] !== undefined && typeof v['querystring'] !== 'string') return 'request.querystring must be a string';
  if (v['method'] !== original.method) return `request.method is read-only (was ${original.method}, got ${JSON.stringify(v['method'])})`;
  if (v['clientIp'] !== original.clientIp) return 'request.clientIp is read-only';
  const p = headersProblem(v['headers'], 'request.headers');
  if (p) return p;
  return changesProblem(trigger, original.headers, v['headers'] as CfHeaders);
}
