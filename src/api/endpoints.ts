import type { FastifyInstance } from 'fastify';
import { GdnError } from '../core/errors.js';
import { sendError } from './error-handler.js';
import { endpointName, type GdnEndpoint } from './gdn-endpoints.js';
import { normalizeUrl } from './paths.js';

/**
 * Which endpoints exist: the routes an app registered and, for a PoP, GDN's catalogue. It answers
 * what no route serves: a GDN endpoint fabric-emu lacks is 501 (errorNum 9), a known path asked
 * with another method is 405 with `Allow`, anything else is 404 naming the path the client sent.
 * Paths are compared in their canonical form (paths.ts), so every path form gets the same answer.
 */

/** A path split into segments; null is a parameter (`:name` in a route, `{name}` in GDN's notation). */
type Shape = readonly (string | null)[];

interface Entry {
  readonly method: string;
  readonly shape: Shape;
  /** The GDN endpoint, for catalogue entries; undefined for registered routes. */
  readonly endpoint?: GdnEndpoint;
  /** The route's own pattern (`/_fabric/:fabric/cursor/:id`), for registered routes. */
  readonly url?: string;
}

export type Resolution =
  | { kind: 'route' }
  | { kind: 'unserved'; endpoint: GdnEndpoint }
  | { kind: 'method'; allow: string[] }
  | { kind: 'unknown' };

function isParam(segment: string): boolean {
  return segment.startsWith(':') || (segment.startsWith('{') && segment.endsWith('}'));
}

function shapeOf(path: string): Shape {
  return path.split('/').slice(1).map((s) => (isParam(s) ? null : s));
}

/** The canonical shape of a catalogue path: `/_api/kv/{c}` → `/_fabric/{fabric}/kv/{c}`. */
function catalogueShape(path: string): Shape {
  const shape = shapeOf(normalizeUrl(path).url);
  return shape[0] === '_fabric' ? ['_fabric', null, ...shape.slice(2)] : shape;
}

function matches(shape: Shape, segments: readonly string[]): boolean {
  return shape.length === segments.length && shape.every((s, i) => s === null || s === segments[i]);
}

/** Could one path match both shapes? */
function overlap(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((s, i) => s === null || b[i] === null || s === b[i]);
}

/** Static before parameter, segment by segment from the left, as Fastify's router decides. */
function compareSpecificity(a: Shape, b: Shape): number {
  for (let i = 0; i < a.length; i++) {
    const pa = a[i] === null;
    const pb = b[i] === null;
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}

/** Catalogue entries answer HEAD as GDN does GET. */
function answers(e: Entry, method: string): boolean {
  return e.method === method || (method === 'HEAD' && e.endpoint !== undefined && e.method === 'GET');
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export class EndpointIndex {
  private readonly routeEntries: Entry[] = [];
  private readonly catalogue: readonly Entry[];
  /** Per registered route, the unserved GDN endpoints more specific than it: `POST /cursor/sql` under `POST /cursor/:id`. */
  private shadows: Map<string, readonly Entry[]> | undefined;

  constructor(endpoints: readonly GdnEndpoint[]) {
    this.catalogue = endpoints.map((endpoint) => ({ method: endpoint.method, shape: catalogueShape(endpoint.path), endpoint }));
  }

  addRoute(method: string | string[], url: string): void {
    for (const m of Array.isArray(method) ? method : [method]) this.routeEntries.push({ method: m, shape: shapeOf(url), url });
    this.shadows = undefined;
  }

  /** The registered routes as `METHOD /pattern` (every shape with `{}` for a parameter). */
  routes(): { method: string; path: string }[] {
    return this.routeEntries.map((e) => ({ method: e.method, path: `/${e.shape.map((s) => s ?? '{}').join('/')}` }));
  }

  /** What answers `method path` (a canonical path, without the query). */
  resolve(method: string, path: string): Resolution {
    const segments = path.split('/').slice(1);
    const all = [...this.routeEntries, ...this.catalogue].filter((e) => matches(e.shape, segments));
    let best: Entry | undefined;
    for (const e of all) {
      if (!answers(e, method)) continue;
      // Ties go to the route: it serves exactly that endpoint.
      if (!best || compareSpecificity(e.shape, best.shape) < 0 || (compareSpecificity(e.shape, best.shape) === 0 && !e.endpoint)) best = e;
    }
    if (best) return best.endpoint ? { kind: 'unserved', endpoint: best.endpoint } : { kind: 'route' };
    if (all.length > 0) return { kind: 'method', allow: [...new Set(all.map((e) => e.method))].sort() };
    return { kind: 'unknown' };
  }

  /** Whether a registered route serves this GDN endpoint. */
  serves(e: GdnEndpoint): boolean {
    const segments = catalogueShape(e.path).map((s, i) => s ?? `{param${i}}`);
    return this.resolve(e.method, `/${segments.join('/')}`).kind === 'route';
  }

  /** The unserved GDN endpoint a request matched by `method routeUrl` really asks for, if any. */
  shadowing(method: string, routeUrl: string, path: string): GdnEndpoint | undefined {
    this.shadows ??= this.computeShadows();
    const candidates = this.shadows.get(`${method} ${routeUrl}`);
    if (!candidates) return undefined;
    const segments = path.split('/').slice(1);
    return candidates.find((c) => matches(c.shape, segments))?.endpoint;
  }

  private computeShadows(): Map<string, readonly Entry[]> {
    const out = new Map<string, readonly Entry[]>();
    for (const r of this.routeEntries) {
      const more = this.catalogue.filter((c) => answers(c, r.method) && overlap(c.shape, r.shape)
        && compareSpecificity(c.shape, r.shape) < 0 && !(c.endpoint && this.serves(c.endpoint)));
      if (more.length > 0) out.set(`${r.method} ${r.url}`, more);
    }
    return out;
  }
}

const indexes = new WeakMap<FastifyInstance, EndpointIndex>();

/** The endpoint index of an app built with registerEndpoints (tests enumerate routes with it). */
export function endpointIndex(app: FastifyInstance): EndpointIndex | undefined {
  return indexes.get(app);
}

function notImplemented(e: GdnEndpoint): GdnError {
  return new GdnError('NOT_IMPLEMENTED', `'${endpointName(e)}' (GDN ${e.family}) is not implemented by fabric-emu yet; docs/compatibility.md lists the endpoints it serves`);
}

/**
 * Records every route the app registers (call before registering routes) and answers the requests
 * no route serves. `catalogue` is GDN's endpoint list for a PoP, empty for the control server;
 * `headFromGet` says the app routes HEAD as GET instead of registering HEAD routes.
 */
export function registerEndpoints(app: FastifyInstance, catalogue: readonly GdnEndpoint[], opts: { headFromGet?: boolean } = {}): EndpointIndex {
  const index = new EndpointIndex(catalogue);
  indexes.set(app, index);
  app.addHook('onRoute', (route) => {
    index.addRoute(route.method, route.url);
    // An app that answers HEAD through its GET routes (head.ts) serves HEAD wherever it serves GET.
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (opts.headFromGet && methods.includes('GET') && !methods.includes('HEAD')) index.addRoute('HEAD', route.url);
  });
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url;
    const shadow = route === undefined ? undefined : index.shadowing(req.method, route, pathOf(req.url));
    done(shadow ? notImplemented(shadow) : undefined);
  });
  app.setNotFoundHandler((req, reply) => {
    const sent = pathOf(req.originalUrl);
    const r = index.resolve(req.method, pathOf(req.url));
    if (r.kind === 'unserved') return sendError(reply, notImplemented(r.endpoint));
    if (r.kind === 'method') {
      reply.header('allow', r.allow.join(', '));
      return sendError(reply, new GdnError('METHOD_NOT_ALLOWED', `method ${req.method} is not allowed on '${sent}'; allowed: ${r.allow.join(', ')}`));
    }
    return sendError(reply, new GdnError('NOT_FOUND', `unknown path '${sent}'`));
  });
  return index;
}
