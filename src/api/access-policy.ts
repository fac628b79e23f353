import type { FastifyRequest } from 'fastify';

/**
 * What a route asks of the caller, decided from the route's pattern and method, so that no route
 * can be registered without an answer: a route under `/_fabric/:fabric/` nobody listed here needs
 * rw on the fabric to change anything and ro to read (fail closed), an absolute one only needs
 * valid credentials. Queries (cursor, RESTQL execute) are checked per collection as they run.
 *
 *   public      no credentials (login, version, the routes that mark themselves `auth: 'public'`)
 *   tenant      valid credentials, nothing more (datacenters, OTPs, key validation)
 *   fabric      the fabric's level: ro to read, rw to write
 *   collection  the collection's level: `none` hides it (404/1203), `ro` refuses writes (403)
 *   admin       rw on the tenant's `_system` (users, keys, grants, fabrics)
 *   self        admin, or the principal itself (reading one's own user or keys)
 */
export type Need =
  | { kind: 'public' }
  | { kind: 'tenant' }
  | { kind: 'fabric'; write: boolean }
  | { kind: 'collection'; write: boolean; name: string | undefined }
  | { kind: 'admin' }
  | { kind: 'self'; user: string | undefined };

const READS = new Set(['GET', 'HEAD']);

type Query = Record<string, string | string[] | undefined>;
type Req = FastifyRequest<{ Params: Record<string, string | undefined>; Querystring: Query }>;

/** A query parameter as sent (this runs before validation): its last value, empty meaning absent. */
function queryValue(q: Query | undefined, name: string): string | undefined {
  const raw = q?.[name];
  const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return v === '' ? undefined : v;
}

interface RouteShape {
  /** The pattern after `/_fabric/:fabric/`, and its first two segments. */
  rest: string;
  head: string;
  second: string | undefined;
}

/** A route pattern's shape, worked out once per pattern: the patterns are a fixed set, and this runs on every request. */
const shapes = new Map<string, RouteShape | undefined>();

function shapeOf(url: string): RouteShape | undefined {
  if (shapes.has(url)) return shapes.get(url);
  let shape: RouteShape | undefined;
  if (url.startsWith('/_fabric/:fabric/')) {
    const rest = url.slice('/_fabric/:fabric/'.length);
    const [head, second] = rest.split('/');
    shape = { rest, head: head as string, second };
  }
  shapes.set(url, shape);
  return shape;
}

/** The access rule of one request, from its route pattern (`/_fabric/:fabric/document/:collection`). */
export function needOf(req: Req): Need {
  const write = !READS.has(req.method);
  const p = req.params ?? {};
  const shape = shapeOf(req.routeOptions.url ?? '');
  if (shape === undefined) return { kind: 'tenant' };
  const { head, second, rest } = shape;
  switch (head) {
    case 'version':
      return { kind: 'public' };
    case 'collection':
      return second === undefined ? { kind: 'fabric', write } : { kind: 'collection', write, name: p['name'] };
    // KV pairs are documents of a KV collection: its level, as for documents. POST .../values reads.
    case 'kv':
      if (second === undefined) return { kind: 'fabric', write };
      return { kind: 'collection', write: write && !(req.method === 'POST' && rest.endsWith('/values')), name: p['name'] };
    case 'document':
      return { kind: 'collection', write, name: p['collection'] ?? queryValue(req.query, 'collection') };
    case 'edges':
      return { kind: 'collection', write, name: p['collection'] };
    // An import writes the collection it names (in the path, or `?collection=` in ArangoDB's form).
    case 'import':
      return { kind: 'collection', write: true, name: p['collection'] ?? queryValue(req.query, 'collection') };
    // A collection's export reads it; an export query is checked per collection as it runs.
    case 'export':
      return second === undefined ? { kind: 'fabric', write: false } : { kind: 'collection', write: false, name: p['collection'] };
    case 'index':
      if (second === ':collection') return { kind: 'collection', write, name: p['collection'] };
      return { kind: 'collection', write, name: queryValue(req.query, 'collection') };
    // Reading a query's data is checked per collection as the query runs (query-runner).
    case 'cursor':
    case 'explain':
      return { kind: 'fabric', write: false };
    // Killing a running query or clearing the slow list changes what others see: rw on the fabric.
    case 'query':
      return { kind: 'fabric', write: req.method === 'DELETE' };
    case 'restql':
      return { kind: 'fabric', write: write && second !== 'execute' && second !== 'fetch' };
    case 'key':
      if (second === 'validate') return { kind: 'tenant' };
      return write ? { kind: 'admin' } : { kind: 'self', user: undefined };
    case 'user':
    case '_admin':
      return write ? { kind: 'admin' } : { kind: 'self', user: p['user'] };
    case 'database':
      if (second === undefined || second === ':name') return write ? { kind: 'admin' } : { kind: 'tenant' };
      if (second === 'user') return { kind: 'tenant' };
      return { kind: 'fabric', write };
    default:
      return { kind: 'fabric', write };
  }
}
