import { existsSync, watch, type FSWatcher } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gdnError } from '../core/errors.js';
import { onClientError, onConnect, writeError } from '../core/http-errors.js';
import { EdgeFabricError, resolveRoute, type Placement } from './fabric-target.js';
import { invocationLine } from './invocation-log.js';
import { defaultTimeout as lambdaTimeout } from './lambda/runtime.js';
import { CLIENT_LOCATION_HEADER, CLIENT_REGION_HEADER, type FabricCall } from './outbound.js';
import { HandlerError, type EdgeRequest, type LoadedFunction } from './runtime.js';
import { DEFAULT_TIMEOUT_MS, openSession, type FunctionOptions } from './session.js';

/** API Gateway's and CloudFront's limit for a request payload; the tightest of the runtimes'. */
export const DEV_BODY_LIMIT = 10 * 1024 * 1024;
/** Editors write a file in several steps; reload once they are done. */
const RELOAD_DEBOUNCE_MS = 100;
const WATCHED = /\.(m?js|cjs|json|jsonc|toml)$|(^|\/)\.dev\.vars$/;
const IGNORED = /(^|\/)(node_modules|\.git|\.wrangler|\.fabric-emu)(\/|$)/;

export interface DevOptions extends FunctionOptions {
  port?: number;
  host?: string;
  /** Per request; default: the runtime's own limit (Lambda@Edge's per trigger), else 10 s. */
  timeoutMs?: number | undefined;
  log?: (line: string) => void;
}

export interface DevServer {
  url(): string;
  /** One URL per deployment: `http://REGION.localhost:PORT` (a request there runs at that region). */
  urls(): { at: string; url: string }[];
  description(): string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= DEV_BODY_LIMIT) chunks.push(c);
    });
    req.on('end', () => resolveBody(size > DEV_BODY_LIMIT ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * What the viewer sees of a failure: its first line, absolute paths cut to their file name. The
 * whole cause, stack and paths included, goes to the dev server's log (stderr), not to whoever sent
 * the request.
 */
export function viewerMessage(message: string): string {
  const first = message.split('\n')[0] ?? '';
  return first.replace(/(?<![\w:/.])(?:file:\/\/)?(?:\/[^\s/:'"()]+)+\/([^\s/:'"()]+)|(?<![\w])[A-Za-z]:\\(?:[^\s\\:'"()]+\\)*([^\s\\:'"()]+)/g, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? '');
}

/** The request's path and query: a request in absolute form (`GET http://host/p`) keeps only them. */
function requestTarget(url: string): string {
  if (url.startsWith('/')) return url;
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return '/';
  }
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * `fabric-emu dev`: serves a function over HTTP as if deployed at `at` (or at every region),
 * reloading it when a file of its project changes. A function that fails answers 502 with the
 * cause; the server stays up.
 */
export async function startDevServer(path: string, o: DevOptions): Promise<DevServer> {
  const log = o.log ?? ((line: string) => console.error(line));
  const session = await openSession(path, o);
  const { shown, placements } = session;

  let current: Promise<LoadedFunction> | undefined;
  const retired = new Set<LoadedFunction>();
  const load = (): Promise<LoadedFunction> => {
    const p = session.load(log);
    p.then(
      (f) => log(`fabric-emu dev: loaded ${shown}: ${f.description}`),
      (e: Error) => log(`fabric-emu dev: ${e.message}`),
    );
    return p;
  };
  const loaded = async (): Promise<LoadedFunction> => {
    const f = await (current ??= load());
    if (f.alive()) return f;
    // Stopped after a timeout: the next request gets a fresh copy.
    current = load();
    return current;
  };
  const retire = async (old: Promise<LoadedFunction> | undefined) => {
    const f = await old?.catch(() => undefined);
    if (!f) return;
    retired.add(f);
    const tryClose = () => {
      if (!f.idle() && f.alive()) return setTimeout(tryClose, 50).unref();
      retired.delete(f);
      void f.close();
    };
    tryClose();
  };

  /** With several deployments the viewer's place picks one: its host name, else its region or location header. */
  const deployment = async (req: IncomingMessage): Promise<Placement> => {
    if (placements.length === 1) return placements[0]!;
    const label = (one(req.headers.host) ?? '').split('.')[0]!;
    const region = one(req.headers[CLIENT_REGION_HEADER]);
    const location = one(req.headers[CLIENT_LOCATION_HEADER]);
    const name = placements.some((p) => p.at === label) ? label : location !== undefined ? (await resolveRoute(o.url, location)).clientRegion : region;
    return placements.find((p) => p.at === name) ?? placements[0]!;
  };

  // Known once listening, before the first request.
  let listening = 0;
  const urlOf = (p: Placement) =>
    placements.length > 1 && !p.at.includes(',') ? `http://${p.at}.localhost:${listening}` : `http://${o.host ?? '127.0.0.1'}:${listening}`;

  const timeoutFor = (f: LoadedFunction) => o.timeoutMs ?? (f.kind === 'lambda-edge' ? lambdaTimeout(o.trigger ?? 'viewer-request') : DEFAULT_TIMEOUT_MS);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const body = await readBody(req);
    if (body === undefined) return writeError(res, gdnError('REQUEST_TOO_LARGE', `request body over ${DEV_BODY_LIMIT} bytes`));
    const headers = Object.entries(req.headers)
      // Where the viewer is, for picking a deployment: not for the function to pass on to the fabric.
      .filter(([k]) => k !== CLIENT_REGION_HEADER && k !== CLIENT_LOCATION_HEADER)
      .map(([k, v]): [string, string] => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]);
    const calls: FabricCall[] = [];
    let placement: Placement | undefined;
    // The URL the function sees is the deployment's own (configured), whatever Host the client sent.
    const edgeReq: EdgeRequest = { method: req.method ?? 'GET', url: '', headers, body: new Uint8Array(body), clientIp: req.socket.remoteAddress ?? '127.0.0.1' };
    let out;
    try {
      placement = await deployment(req);
      edgeReq.url = `${urlOf(placement)}${requestTarget(req.url ?? '/')}`;
      const f = await loaded();
      // Per request, so that a PoP killed meanwhile is replaced by the next nearest live one.
      const route = await resolveRoute(o.url, placement.at);
      out = await f.serve(edgeReq, { at: placement.at, route, onCall: (c) => calls.push(c), timeoutMs: timeoutFor(f) });
    } catch (e) {
      if (!(e instanceof HandlerError) && !(e instanceof EdgeFabricError)) throw e;
      if (placement) log(`fabric-emu dev: ${invocationLine({ method: edgeReq.method, path: req.url ?? '/', status: 502, ms: performance.now() - started, placement, calls })}`);
      log(`fabric-emu dev: ${req.method} ${req.url}: ${e.message}`);
      const cause = e instanceof HandlerError ? 'handler' : 'fabric';
      return writeError(res, gdnError('BAD_GATEWAY', `${viewerMessage(e.message)} (the whole cause is in the fabric-emu dev output)`, { handler: basename(shown), cause }));
    }
    log(`fabric-emu dev: ${invocationLine({ method: edgeReq.method, path: req.url ?? '/', status: out.status, ms: performance.now() - started, placement, calls })}`);
    res.writeHead(out.status, out.headers.filter(([k]) => !['content-length', 'transfer-encoding', 'connection'].includes(k.toLowerCase())));
    res.end(Buffer.from(out.body));
  };

  const server: Server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch((e: unknown) => {
      log(`fabric-emu dev: internal error: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) writeError(res, gdnError('INTERNAL', `fabric-emu dev: ${viewerMessage((e as Error).message ?? String(e))} (the whole cause is in the fabric-emu dev output)`));
      else res.destroy();
    });
  });
  server.on('clientError', onClientError);
  server.on('connect', onConnect);

  // Watch the folder, not the file: editors save by writing a new file and renaming it over the old.
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(session.project.root, { recursive: true }, (_event, name) => {
    if (name && (IGNORED.test(name) || !WATCHED.test(name))) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!existsSync(session.project.path)) return log(`fabric-emu dev: ${shown} is gone; waiting for it to come back`);
      const old = current;
      current = load();
      void retire(old);
      log(`fabric-emu dev: ${name ?? shown} changed: reloading`);
    }, RELOAD_DEBOUNCE_MS);
  });

  current = load();
  await current.catch(() => undefined);
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(o.port ?? 8787, o.host ?? '127.0.0.1', () => ok());
    });
  } catch (e) {
    watcher.close();
    await (await current.catch(() => undefined))?.close();
    throw e;
  }
  const port = (server.address() as { port: number }).port;
  listening = port;
  const description = await current.then(
    (f) => f.description,
    () => session.project.kind,
  );
  return {
    url: () => `http://${o.host ?? '127.0.0.1'}:${port}`,
    urls: () => placements.map((p) => ({ at: p.at, url: `http://${p.at.includes(',') ? '127.0.0.1' : `${p.at}.localhost`}:${port}` })),
    description: () => description,
    async close() {
      clearTimeout(timer);
      watcher.close();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await closed;
      const f = await current?.catch(() => undefined);
      await Promise.all([f?.close(), ...[...retired].map((x) => x.close())]);
    },
  };
}
