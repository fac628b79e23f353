/**
 * Lambda@Edge events as CloudFront builds them (AWS: "Lambda@Edge event structure"), and the
 * conversions between them and HTTP. Rules on what a function may answer are in cloudfront-rules.ts.
 */
import { randomBytes } from 'node:crypto';
import type { EdgeRequest, EdgeResponse } from '../runtime.js';

export const CLOUDFRONT_TRIGGERS = ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'] as const;
export type CloudFrontTrigger = (typeof CLOUDFRONT_TRIGGERS)[number];

export type CfHeaders = Record<string, { key?: string; value: string }[]>;

export interface CfRequest {
  clientIp: string;
  headers: CfHeaders;
  method: string;
  querystring: string;
  uri: string;
  body?: { action: 'read-only'; data: string; encoding: 'base64'; inputTruncated: boolean };
  origin?: { custom: Record<string, unknown> };
}

export interface CfResponse {
  status: string;
  statusDescription?: string;
  headers: CfHeaders;
  body?: string;
  bodyEncoding?: 'text' | 'base64';
}

/** The stand-in distribution every event names. */
export const DISTRIBUTION = { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE' };

/** How much of a request body CloudFront hands a function with "include body" on. */
export const BODY_EXPOSED: Record<'viewer' | 'origin', number> = { viewer: 40 * 1024, origin: 1024 * 1024 };

export const side = (t: CloudFrontTrigger): 'viewer' | 'origin' => (t.startsWith('viewer') ? 'viewer' : 'origin');

export function toCfHeaders(pairs: [string, string][]): CfHeaders {
  const out: CfHeaders = {};
  for (const [k, v] of pairs) (out[k.toLowerCase()] ??= []).push({ key: k, value: v });
  return out;
}

export function fromCfHeaders(h: CfHeaders): [string, string][] {
  return Object.entries(h).flatMap(([name, list]) => list.map((e): [string, string] => [e.key ?? name, e.value]));
}

/** What hop-by-hop headers HTTP clients send that CloudFront never forwards to a function. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/** The request as a viewer-request function sees it; `host` is the distribution's name, as the viewer addressed it. */
export function viewerRequest(req: EdgeRequest, o: { includeBody: boolean }): CfRequest {
  const url = new URL(req.url);
  const headers = toCfHeaders(req.headers.filter(([k]) => !HOP.has(k.toLowerCase()) && k.toLowerCase() !== 'host'));
  const cf: CfRequest = {
    clientIp: req.clientIp,
    headers: { host: [{ key: 'Host', value: url.host }], ...headers },
    method: req.method,
    querystring: url.search.replace(/^\?/, ''),
    uri: url.pathname,
  };
  if (o.includeBody && req.body.length > 0) cf.body = exposedBody(req.body, 'viewer');
  return cf;
}

export function exposedBody(body: Uint8Array, where: 'viewer' | 'origin'): NonNullable<CfRequest['body']> {
  const max = BODY_EXPOSED[where];
  return { action: 'read-only', data: Buffer.from(body.subarray(0, max)).toString('base64'), encoding: 'base64', inputTruncated: body.length > max };
}

/** The request on its way to the origin: CloudFront's own headers, the origin's host, the origin object. */
export function originRequest(viewer: CfRequest, origin: URL, body: Uint8Array, o: { includeBody: boolean }): CfRequest {
  const headers: CfHeaders = { ...viewer.headers };
  headers['host'] = [{ key: 'Host', value: origin.host }];
  headers['x-forwarded-for'] = [{ key: 'X-Forwarded-For', value: viewer.clientIp }];
  headers['user-agent'] = [{ key: 'User-Agent', value: 'Amazon CloudFront' }];
  headers['via'] = [{ key: 'Via', value: `2.0 ${randomBytes(16).toString('hex')}.cloudfront.net (CloudFront)` }];
  const protocol = origin.protocol.replace(':', '');
  return {
    clientIp: viewer.clientIp,
    method: viewer.method,
    querystring: viewer.querystring,
    uri: viewer.uri,
    headers,
    origin: {
      custom: {
        customHeaders: {},
        domainName: origin.hostname,
        keepaliveTimeout: 5,
        path: origin.pathname === '/' ? '' : origin.pathname.replace(/\/$/, ''),
        port: Number(origin.port || (protocol === 'https' ? 443 : 80)),
        protocol,
        readTimeout: 30,
        sslProtocols: ['TLSv1.2'],
      },
    },
    ...(o.includeBody && body.length > 0 ? { body: exposedBody(body, 'origin') } : {}),
  };
}

/** One CloudFront event: `request` for every trigger, `response` for the response triggers. */
export function cloudFrontEvent(trigger: CloudFrontTrigger, request: CfRequest, response?: CfResponse): Record<string, unknown> {
  const config = { ...DISTRIBUTION, eventType: trigger, requestId: randomBytes(42).toString('base64url') };
  return { Records: [{ cf: { config, request, ...(response ? { response } : {}) } }] };
}

export function toCfResponse(r: EdgeResponse, statusText: string): CfResponse {
  return { status: String(r.status), statusDescription: statusText, headers: toCfHeaders(r.headers.filter(([k]) => !HOP.has(k.toLowerCase()))) };
}

/** A response a function returned (already checked), as HTTP; `original` is the origin's body when the function kept it. */
export function cfResponseToHttp(r: CfResponse, original?: Uint8Array): EdgeResponse {
  const body = r.body === undefined ? (original ?? new Uint8Array()) : new Uint8Array(Buffer.from(r.body, r.bodyEncoding === 'base64' ? 'base64' : 'utf8'));
  return { status: Number(r.status), headers: fromCfHeaders(r.headers ?? {}), body };
}

/** The trigger a CloudFront event file was made for, if it is one. */
export function eventTrigger(event: unknown): CloudFrontTrigger | undefined {
  const t = (event as { Records?: { cf?: { config?: { eventType?: unknown } } }[] } | undefined)?.Records?.[0]?.cf?.config?.eventType;
  return CLOUDFRONT_TRIGGERS.find((x) => x === t);
}
