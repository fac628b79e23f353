/** Plain Lambda behind an API Gateway HTTP API (payload format 2.0): the tutorial's "API end point provided by the AWS gateway". */
import { randomBytes } from 'node:crypto';
import type { EdgeRequest, EdgeResponse } from '../runtime.js';

const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** The event; binary bodies come base64-encoded, as there. */
export function apiGatewayEvent(req: EdgeRequest, now: Date, stage = '$default'): Record<string, unknown> {
  const url = new URL(req.url);
  const rawQueryString = url.search.replace(/^\?/, '');
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of url.searchParams) queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  const headers: Record<string, string> = {};
  for (const [k, v] of req.headers) headers[k.toLowerCase()] = k.toLowerCase() in headers ? `${headers[k.toLowerCase()]},${v}` : v;
  headers['host'] ??= url.host;
  const cookies = headers['cookie']?.split(/;\s*/).filter(Boolean);
  const body = Buffer.from(req.body);
  const binary = body.length > 0 && !TEXTUAL.test(headers['content-type'] ?? 'text/plain');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'fabric-emu',
      apiId: 'fabric-emu',
      domainName: url.hostname,
      http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.clientIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomBytes(12).toString('base64url'),
      routeKey: '$default',
      stage,
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: binary ? body.toString('base64') : body.toString('utf8') } : {}),
    isBase64Encoded: binary,
  };
}

/** An already validated Lambda proxy result (style.ts) as an HTTP response. */
export function lambdaResultToHttp(r: { statusCode: number; headers?: Record<string, unknown>; body?: string; isBase64Encoded?: boolean; cookies?: string[] }): EdgeResponse {
  const headers: [string, string][] = Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)]);
  for (const c of r.cookies ?? []) headers.push(['set-cookie', c]);
  const body = r.body === undefined ? new Uint8Array() : new Uint8Array(Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8'));
  return { status: r.statusCode, headers, body };
}
