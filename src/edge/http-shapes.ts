import type { WireRequest, WireResponse } from './protocol.js';

/** An HTTP request as `fabric-emu dev` received it, or as `invoke --event` describes it. */
export interface HttpInput {
  method: string;
  /** Path and query, e.g. `/addresses?zip=10115`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp?: string;
}

const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/**
 * An API Gateway HTTP API (payload format 2.0) event: what a Lambda behind the tutorial's
 * "API end point provided by the AWS gateway" receives. Binary bodies come base64-encoded, as there.
 */
export function apiGatewayEvent(i: HttpInput, stage = '$default'): Record<string, unknown> {
  const q = i.path.indexOf('?');
  const rawPath = q === -1 ? i.path : i.path.slice(0, q);
  const rawQueryString = q === -1 ? '' : i.path.slice(q + 1);
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  const headers = Object.fromEntries(Object.entries(i.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const cookies = headers['cookie']?.split(/;\s*/).filter(Boolean);
  const binary = i.body.length > 0 && !TEXTUAL.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'fabric-emu',
      apiId: 'fabric-emu',
      domainName: headers['host'] ?? 'localhost',
      http: { method: i.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: i.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `${now.getTime().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
      routeKey: '$default',
      stage,
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(i.body.length > 0 ? { body: binary ? i.body.toString('base64') : i.body.toString('utf8') } : {}),
    isBase64Encoded: binary,
  };
}

/** An already validated Lambda proxy result (style.ts) as an HTTP response. */
export function lambdaResultToHttp(r: { statusCode: number; headers?: Record<string, unknown>; body?: string; isBase64Encoded?: boolean; cookies?: string[] }): WireResponse {
  const headers: [string, string][] = Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)]);
  for (const c of r.cookies ?? []) headers.push(['set-cookie', c]);
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
  return { status: r.statusCode, headers, body };
}

/** A Workers-style request for the handler; `origin` is where the handler pretends to be served. */
export function workerRequest(i: HttpInput, origin: string): WireRequest {
  const headers = Object.entries(i.headers).filter(([k]) => !['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(k.toLowerCase()));
  return { method: i.method, url: new URL(i.path, origin).href, headers, body: i.body.length > 0 ? new Uint8Array(i.body) : null };
}
