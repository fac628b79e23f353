/**
 * The EdgeWorkers JavaScript API (Akamai: "EdgeWorkers JavaScript API reference"): the request and
 * response objects the event handlers get, and the built-in modules a bundle may import. Nothing
 * else is reachable from the sandbox (host.ts).
 */
import { continent } from '../continent.js';
import type { EdgeLocation } from '../fabric-target.js';

export type Headers = Record<string, string[]>;

function headerObject(pairs: [string, string][]): Headers {
  const h: Headers = {};
  for (const [k, v] of pairs) (h[k.toLowerCase()] ??= []).push(v);
  return h;
}

const asList = (v: string | string[]) => (Array.isArray(v) ? v.map(String) : [String(v)]);

/** Header access shared by requests and responses: names are case-insensitive, values lists. */
class HeaderBag {
  constructor(protected readonly headers: Headers) {}
  getHeader(name: string): string[] | undefined {
    return this.headers[name.toLowerCase()];
  }
  getHeaders(): Headers {
    return structuredClone(this.headers);
  }
  setHeader(name: string, value: string | string[]): void {
    this.headers[name.toLowerCase()] = asList(value);
  }
  addHeader(name: string, value: string | string[]): void {
    (this.headers[name.toLowerCase()] ??= []).push(...asList(value));
  }
  removeHeader(name: string): void {
    delete this.headers[name.toLowerCase()];
  }
  /** As HTTP header pairs. */
  pairs(): [string, string][] {
    return Object.entries(this.headers).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v]));
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string | Uint8Array;
  denyReason?: string;
}

/** `userLocation`: Akamai's geolocation of the client, taken to be near the edge server the function runs on. */
function userLocation(l: EdgeLocation): Record<string, unknown> {
  return { city: l.city, country: l.country, continent: continent(l.country), latitude: l.lat, longitude: l.lon, networkType: 'wired', timezone: 'GMT' };
}

export class EwRequest extends HeaderBag {
  readonly method: string;
  readonly scheme: string;
  readonly host: string;
  path: string;
  query: string;
  readonly clientIp: string;
  readonly userLocation: Record<string, unknown>;
  readonly device = { isMobile: false, isTablet: false, isWireless: false, hasAjaxSupport: true, hasCookieSupport: true, hasFlashSupport: false };
  readonly cpCode = 123456;
  /** Set by respondWith(): the answer that ends the request here. */
  answer: Answer | undefined;
  /** Set by route(): where the origin request goes instead. */
  routed: { origin?: string; path?: string; query?: string } | undefined;
  private readonly variables = new Map<string, string>();

  constructor(
    url: URL,
    method: string,
    headers: [string, string][],
    clientIp: string,
    location: EdgeLocation,
    private readonly rawBody: Uint8Array,
  ) {
    super(headerObject(headers));
    this.method = method;
    this.scheme = url.protocol.replace(':', '');
    this.host = url.host;
    this.path = url.pathname;
    this.query = url.search.replace(/^\?/, '');
    this.clientIp = clientIp;
    this.userLocation = userLocation(location);
  }

  /** The path and query, as EdgeWorkers gives it (relative). */
  get url(): string {
    return this.query ? `${this.path}?${this.query}` : this.path;
  }

  get body(): ReadableStream<Uint8Array> {
    return new Response(this.rawBody.length ? this.rawBody : null).body ?? new ReadableStream({ start: (c) => c.close() });
  }

  text(): Promise<string> {
    return Promise.resolve(new TextDecoder().decode(this.rawBody));
  }

  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.rawBody.slice().buffer);
  }

  respondWith(status: number, headers: Record<string, string | string[]>, body: string, denyReason?: string): void {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new TypeError(`respondWith: status must be an HTTP status code, got ${String(status)}`);
    if (typeof body !== 'string') throw new TypeError('respondWith: body must be a string (stream bodies need responseProvider)');
    this.answer = { status, headers: Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), asList(v)])), body, ...(denyReason ? { denyReason } : {}) };
  }

  route(destination: { origin?: string; path?: string; query?: string }): void {
    this.routed = destination;
  }

  getVariable(name: string): string | undefined {
    return this.variables.get(name);
  }

  setVariable(name: string, value: string): void {
    if (!name.startsWith('PMUSER_')) throw new TypeError(`setVariable: only PMUSER_ variables can be set, got ${name}`);
    this.variables.set(name, String(value));
  }
}

/** The origin's response as onOriginResponse and onClientResponse see it: headers and status, no body. */
export class EwResponse extends HeaderBag {
  constructor(
    public status: number,
    headers: [string, string][],
    readonly rawBody: Uint8Array,
  ) {
    super(headerObject(headers));
  }
}

/** What `httpRequest` answers: the EdgeWorkers HttpResponse. */
export class HttpResponse extends HeaderBag {
  readonly ok: boolean;
  constructor(
    readonly status: number,
    headers: [string, string][],
    private readonly raw: Uint8Array,
  ) {
    super(headerObject(headers));
    this.ok = status >= 200 && status < 300;
  }
  get body(): ReadableStream<Uint8Array> {
    return new Response(this.raw.length ? this.raw : null).body ?? new ReadableStream({ start: (c) => c.close() });
  }
  text(): Promise<string> {
    return Promise.resolve(new TextDecoder().decode(this.raw));
  }
  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t) as unknown);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.raw.slice().buffer);
  }
}

/** `createResponse(status, headers, body, denyReason?)` or `createResponse({ status, headers, body })`. */
export function createResponse(a: unknown, headers?: Record<string, string | string[]>, body?: unknown, denyReason?: string): { status: number; headers: Headers; body: unknown; denyReason?: string } {
  if (typeof a === 'object' && a !== null) {
    const o = a as { status?: number; headers?: Record<string, string | string[]>; body?: unknown };
    return createResponse(o.status ?? 200, o.headers, o.body);
  }
  if (typeof a !== 'number' || !Number.isInteger(a) || a < 100 || a > 599) throw new TypeError(`createResponse: status must be an HTTP status code, got ${String(a)}`);
  return { status: a, headers: Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), asList(v)])), body: body ?? '', ...(denyReason ? { denyReason } : {}) };
}

/** The `cookies` module: parse a Cookie header, build a Set-Cookie one. */
export class Cookies {
  private readonly jar = new Map<string, string[]>();
  constructor(header?: string | string[]) {
    for (const part of asList(header ?? []).join('; ').split(/;\s*/)) {
      const eq = part.indexOf('=');
      if (eq > 0) (this.jar.get(part.slice(0, eq).trim()) ?? this.jar.set(part.slice(0, eq).trim(), []).get(part.slice(0, eq).trim())!).push(part.slice(eq + 1));
    }
  }
  get(name: string): string | undefined {
    return this.jar.get(name)?.[0];
  }
  getAll(name: string): string[] {
    return this.jar.get(name) ?? [];
  }
  names(): string[] {
    return [...this.jar.keys()];
  }
  add(name: string, value: string): void {
    (this.jar.get(name) ?? this.jar.set(name, []).get(name)!).push(value);
  }
  delete(name: string): void {
    this.jar.delete(name);
  }
  toHeader(): string {
    return [...this.jar].flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`)).join('; ');
  }
}

export class SetCookie {
  name?: string;
  value?: string;
  path?: string;
  domain?: string;
  maxAge?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
  constructor(o: Partial<SetCookie> = {}) {
    Object.assign(this, o);
  }
  toHeader(): string {
    const parts = [`${this.name}=${this.value ?? ''}`];
    if (this.path) parts.push(`Path=${this.path}`);
    if (this.domain) parts.push(`Domain=${this.domain}`);
    if (this.maxAge !== undefined) parts.push(`Max-Age=${this.maxAge}`);
    if (this.httpOnly) parts.push('HttpOnly');
    if (this.secure) parts.push('Secure');
    if (this.sameSite) parts.push(`SameSite=${this.sameSite}`);
    return parts.join('; ');
  }
}
