import { existsSync, watch, type FSWatcher } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, dirname, resolve } from 'node:path';
import { edgeEnv, EdgeFabricError, fabricOrigins, resolveTarget, type EdgeEnvOptions } from './fabric-target.js';
import { apiGatewayEvent, lambdaResultToHttp, workerRequest, type HttpInput } from './http-shapes.js';
import { DEFAULT_TIMEOUT_MS, shownFile } from './invoke.js';
import type { WireResponse } from './protocol.js';
import { HandlerError, HandlerRunner } from './runner.js';

/** API Gateway's own limit for a request payload. */
export const DEV_BODY_LIMIT = 10 * 1024 * 1024;
/** Editors write a file in several steps; reload once they are done. */
const RELOAD_DEBOUNCE_MS = 100;

export interface DevOptions extends EdgeEnvOptions {
  url: string;
  at: string;
  port?: number;
  host?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  cwd?: string;
}

export interface DevServer {
  url(): string;
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * `fabric-emu dev`: serves a handler over HTTP as if deployed at `at`, reloading it when a file
 * beside it changes. A handler that fails answers 502 with the cause; the server stays up.
 */
export async function startDevServer(file: string, o: DevOptions): Promise<DevServer> {
  const abs = resolve(o.cwd ?? process.cwd(), file);
  const shown = shownFile(abs, o.cwd);
  if (!existsSync(abs)) throw new HandlerError(`handler ${shown}: no such file`);
  const log = o.log ?? ((line: string) => console.error(line));
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const first = await resolveTarget(o.url, o.at);
  const origins = await fabricOrigins(o.url);

  let current: Promise<HandlerRunner> | undefined;
  const retired = new Set<HandlerRunner>();
  const load = (): Promise<HandlerRunner> => {
    const p = HandlerRunner.start(abs, shown, { clientRegion: first.clientRegion, fabricOrigins: origins });
    p.then(
      (r) => log(`fabric-emu dev: loaded ${shown} (${r.style === 'lambda' ? 'Lambda' : 'Workers'} style)`),
      (e: Error) => log(`fabric-emu dev: ${e.message}`),
    );
    return p;
  };
  const runner = async (): Promise<HandlerRunner> => {
    const r = await (current ??= load());
    if (r.alive()) return r;
    // Stopped after a timeout: the next request gets a fresh copy.
    current = load();
    return current;
  };
  const retire = async (old: Promise<HandlerRunner> | undefined) => {
    const r = await old?.catch(() => undefined);
    if (!r) return;
    retired.add(r);
    const tryClose = () => {
      if (!r.idle() && r.alive()) return setTimeout(tryClose, 50).unref();
      retired.delete(r);
      void r.close();
    };
    tryClose();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    if (body === undefined) return sendJson(res, 413, { error: true, message: `request body over ${DEV_BODY_LIMIT} bytes` });
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const input: HttpInput = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' };
    let out: WireResponse;
    try {
      const r = await runner();
      // Per request, so that a PoP killed meanwhile is replaced by the next nearest live one.
      const env = edgeEnv(await resolveTarget(o.url, o.at), o);
      if (r.style === 'lambda') {
        out = lambdaResultToHttp((await r.invoke(env, apiGatewayEvent(input), timeout)) as Parameters<typeof lambdaResultToHttp>[0]);
      } else {
        out = (await r.invoke(env, workerRequest(input, `http://${headers['host'] ?? 'localhost'}`), timeout)) as WireResponse;
      }
    } catch (e) {
      if (!(e instanceof HandlerError) && !(e instanceof EdgeFabricError)) throw e;
      log(`fabric-emu dev: ${req.method} ${req.url}: ${e.message}`);
      return sendJson(res, 502, { error: true, handler: shown, cause: e instanceof HandlerError ? 'handler' : 'fabric', message: e.message });
    }
    res.writeHead(out.status, out.headers.filter(([k]) => !['content-length', 'transfer-encoding', 'connection'].includes(k.toLowerCase())));
    res.end(Buffer.from(out.body));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`fabric-emu dev: internal error: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error: true, handler: shown, message: `fabric-emu dev: ${(e as Error).message}` });
      else res.destroy();
    });
  });

  // Watch the folder, not the file: editors save by writing a new file and renaming it over the old.
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dirname(abs), (_event, name) => {
    if (name && !/\.(m?js|cjs|json)$/.test(name) && name !== basename(abs)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!existsSync(abs)) return log(`fabric-emu dev: ${shown} is gone; waiting for it to come back`);
      const old = current;
      current = load();
      void retire(old);
      log(`fabric-emu dev: ${name ?? shown} changed: reloading`);
    }, RELOAD_DEBOUNCE_MS);
  });

  current = load();
  await current.catch(() => undefined);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 8787, o.host ?? '127.0.0.1', () => ok());
  });
  const addr = server.address() as { port: number };
  return {
    url: () => `http://${o.host ?? '127.0.0.1'}:${addr.port}`,
    async close() {
      clearTimeout(timer);
      watcher.close();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await closed;
      const r = await current?.catch(() => undefined);
      await Promise.all([r?.close(), ...[...retired].map((x) => x.close())]);
    },
  };
}
