/**
 * Cloudflare Pages Functions: the `functions/` folder becomes routes by file name (`index.js`,
 * `[param].js`, `[[catchall]].js`, `_middleware.js`), each file exporting `onRequest` or
 * `onRequestGet` … `onRequestOptions`. wrangler compiles them into one Worker; so does this, into a
 * module that imports each file and routes with `pagesRouter`, which runs inside workerd.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';

type Segment = { literal: string } | { param: string } | { catchall: string };

export interface PagesRoute {
  /** The file, relative to functions/, with `/` separators. */
  file: string;
  kind: 'route' | 'middleware';
  pattern: Segment[];
}

function segment(s: string): Segment {
  const catchall = /^\[\[(\w+)\]\]$/.exec(s);
  if (catchall) return { catchall: catchall[1]! };
  const param = /^\[(\w+)\]$/.exec(s);
  return param ? { param: param[1]! } : { literal: s };
}

const rank = (s: Segment) => ('literal' in s ? 0 : 'param' in s ? 1 : 2);

/** More specific first: literal segments before parameters before catch-alls, longer before shorter. */
function bySpecificity(a: PagesRoute, b: PagesRoute): number {
  for (let i = 0; i < Math.min(a.pattern.length, b.pattern.length); i++) {
    const d = rank(a.pattern[i]!) - rank(b.pattern[i]!);
    if (d !== 0) return d;
  }
  return b.pattern.length - a.pattern.length;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : ['.js', '.mjs'].includes(extname(name)) ? [p] : [];
  });
}

/** The routes of a functions/ folder: middleware outermost first, then routes most specific first. */
export function pagesRoutes(functions: string): PagesRoute[] {
  const all = walk(functions).map((abs): PagesRoute => {
    const file = relative(functions, abs).split(sep).join('/');
    const parts = file.replace(/\.m?js$/, '').split('/');
    const last = parts[parts.length - 1];
    const kind = last === '_middleware' ? 'middleware' : 'route';
    if (last === '_middleware' || last === 'index') parts.pop();
    return { file, kind, pattern: parts.map(segment) };
  });
  const middleware = all.filter((r) => r.kind === 'middleware').sort((a, b) => a.pattern.length - b.pattern.length);
  return [...middleware, ...all.filter((r) => r.kind === 'route').sort(bySpecificity)];
}

interface RouteEntry {
  kind: 'route' | 'middleware';
  pattern: Segment[];
  mod: Record<string, unknown>;
}
type Handler = (ctx: Record<string, unknown>) => Promise<Response> | Response;
interface PagesEnv {
  ASSETS: { fetch(r: Request): Promise<Response> };
}

/** Runs inside workerd (stringified into the entry module): it may use only the Workers globals. */
export function pagesRouter(routes: RouteEntry[], request: Request, env: PagesEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
  const url = new URL(request.url);
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = request.method.charAt(0) + request.method.slice(1).toLowerCase();
  const match = (pattern: Segment[], prefix: boolean): Record<string, string | string[]> | undefined => {
    const params: Record<string, string | string[]> = {};
    let i = 0;
    for (const s of pattern) {
      if ('catchall' in s) {
        if (i >= parts.length) return undefined;
        params[s.catchall] = parts.slice(i);
        i = parts.length;
      } else if (i >= parts.length) return undefined;
      else if ('param' in s) params[s.param] = parts[i++]!;
      else if (parts[i++] !== s.literal) return undefined;
    }
    return prefix || i === parts.length ? params : undefined;
  };
  const chain: { fn: Handler; params: Record<string, string | string[]> }[] = [];
  let routed = false;
  for (const r of routes) {
    const found = r.mod['onRequest' + method] ?? r.mod['onRequest'];
    if (found === undefined || (r.kind === 'route' && routed)) continue;
    const params = match(r.pattern, r.kind === 'middleware');
    if (params === undefined) continue;
    for (const fn of Array.isArray(found) ? found : [found]) chain.push({ fn: fn as Handler, params });
    if (r.kind === 'route') routed = true;
  }
  const data = {};
  let at = 0;
  let current = request;
  const next = async (input?: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input !== undefined) current = new Request(input, init);
    const h = chain[at++];
    if (!h) return env.ASSETS.fetch(current);
    return h.fn({ request: current, env, params: h.params, data, next, functionPath: url.pathname, waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p), passThroughOnException: () => undefined });
  };
  return next();
}

/** The Worker wrangler would build from a functions/ folder. */
export function pagesEntry(routes: PagesRoute[]): string {
  const imports = routes.map((r, i) => `import * as m${i} from ${JSON.stringify(`./${r.file}`)};`);
  const table = routes.map((r, i) => `{ kind: ${JSON.stringify(r.kind)}, pattern: ${JSON.stringify(r.pattern)}, mod: m${i} }`);
  return [
    ...imports,
    `const routes = [${table.join(', ')}];`,
    `const pagesRouter = ${pagesRouter.toString()};`,
    'export default { fetch(request, env, ctx) { return pagesRouter(routes, request, env, ctx); } };',
    '',
  ].join('\n');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** `env.ASSETS`: the project's static files, what Pages serves when no function answers. */
export function serveAsset(dir: string, url: string): Response {
  const path = decodeURIComponent(new URL(url).pathname);
  let file = resolve(dir, `.${path}`);
  if (file !== dir && !file.startsWith(dir + sep)) return new Response('Not Found', { status: 404 });
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
  if (!existsSync(file) || !statSync(file).isFile()) return new Response('Not Found', { status: 404 });
  return new Response(readFileSync(file), { headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' } });
}
