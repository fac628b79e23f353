/**
 * Cloudflare Workers on workerd, through Miniflare: one workerd process per loaded version, one
 * Worker in it per deployment (so `--at all` costs one process), each with its own `request.cf` and
 * an outbound service that sends GDN calls to the PoP nearest it. KV, D1 and R2 are Miniflare's,
 * shared by the deployments as Cloudflare shares them between colos.
 */
import type { Miniflare as MiniflareType, MiniflareOptions, WorkerOptions } from 'miniflare';
import { fabricFetch, type FabricCall, type Route } from '../outbound.js';
import { HandlerError, type LoadedFunction, type LoadOptions } from '../runtime.js';
import { requestCf } from './cf.js';
import type { WorkersProject } from './config.js';
import { pagesEntry, pagesRoutes, serveAsset } from './pages.js';

type MiniflareModule = typeof import('miniflare');

export const MINIFLARE_MISSING =
  'Cloudflare Workers run on workerd through Miniflare, which is not installed here: npm install --save-dev miniflare@3 (runs on Node 20 and later; miniflare@4 also works, on Node 22 and later)';

async function importMiniflare(): Promise<MiniflareModule> {
  try {
    return await import('miniflare');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new HandlerError(MINIFLARE_MISSING);
    throw e;
  }
}

/** workerd refuses a compatibility date later than its own build; run at the latest it knows, and say so. */
function compatibilityDate(p: WorkersProject, supported: string | undefined, log: (l: string) => void): string {
  const wanted = p.compatibilityDate;
  if (supported === undefined) return wanted ?? '2024-09-23';
  if (wanted === undefined) return supported;
  if (wanted > supported) {
    log(`fabric-emu: compatibility_date ${wanted} is newer than this workerd supports; running at ${supported}`);
    return supported;
  }
  return wanted;
}

/** Requests of one deployment, and where the calls they make are told. */
interface Sink {
  route: Route;
  onCall(c: FabricCall): void;
}

export async function loadWorkers(p: WorkersProject, o: LoadOptions): Promise<LoadedFunction> {
  const mf = await importMiniflare();
  const sinks = new Map<string, Sink>(o.placements.map((pl, i) => [pl.at, { route: o.routes[i]!, onCall: () => undefined }]));
  const code = p.main === undefined ? pagesEntry(pagesRoutes(p.functions!)) : undefined;
  const script =
    p.main !== undefined
      ? { modules: p.format === 'modules', scriptPath: p.main }
      : // Pages: the generated router sits in functions/ so that its imports resolve as the files' own.
        { modules: true, scriptPath: `${p.functions}/__fabric_emu_pages__.mjs`, script: code! };
  const worker = (at: string): WorkerOptions => {
    const sink = sinks.get(at)!;
    const outbound = fabricFetch((r) => fetch(r), o.fabric, () => sink.route, (c) => sink.onCall(c));
    return {
      name: at,
      ...script,
      modulesRoot: p.root,
      modulesRules: [
        { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
        { type: 'CommonJS', include: ['**/*.cjs'] },
      ],
      compatibilityDate: compatibilityDate(p, mf.supportedCompatibilityDate, o.log),
      compatibilityFlags: p.compatibilityFlags,
      bindings: p.vars as Record<string, string>,
      kvNamespaces: p.kv,
      d1Databases: p.d1,
      r2Buckets: p.r2,
      outboundService: (req) => outbound(req as unknown as Request) as never,
      ...(p.assets !== undefined ? { serviceBindings: { ASSETS: (req) => serveAsset(p.assets!, req.url) as never } } : {}),
    };
  };
  const options: MiniflareOptions = {
    host: '127.0.0.1',
    port: 0,
    // A Worker's console.log is its log (wrangler tail), never the response: stdout stays for that.
    handleRuntimeStdio: (out, err) => {
      out.pipe(process.stderr);
      err.pipe(process.stderr);
    },
    workers: o.placements.map((pl) => worker(pl.at)),
  };
  let instance: MiniflareType;
  try {
    instance = new mf.Miniflare(options);
    await instance.ready;
  } catch (e) {
    throw new HandlerError(`handler ${o.shown}: cannot load: ${(e as Error).message}`);
  }
  let dead: string | undefined;
  let inFlight = 0;
  // Miniflare types a Worker's fetch with @cloudflare/workers-types; the Response it gives is an undici one.
  type WorkerFetcher = { fetch(url: string, init: Record<string, unknown>): Promise<Response> };
  const fetchers = new Map<string, WorkerFetcher>();
  const format = p.main === undefined ? 'Pages Functions' : p.format === 'modules' ? 'module syntax' : 'service-worker syntax';

  return {
    kind: 'workers',
    description: `Cloudflare Workers (${format}) on workerd, compatibility date ${compatibilityDate(p, mf.supportedCompatibilityDate, () => undefined)}`,
    placements: o.placements,
    async serve(req, call) {
      if (dead !== undefined) throw new HandlerError(`handler ${o.shown}: ${dead}`);
      const sink = sinks.get(call.at)!;
      sink.route = call.route;
      sink.onCall = call.onCall;
      const location = o.placements.find((pl) => pl.at === call.at)!.location;
      let w = fetchers.get(call.at);
      if (!w) fetchers.set(call.at, (w = (await instance.getWorker(call.at)) as unknown as WorkerFetcher));
      inFlight++;
      let timer: NodeJS.Timeout | undefined;
      try {
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
        const answer = w.fetch(req.url, { method: req.method, headers: req.headers, body: hasBody ? req.body : null, cf: requestCf(location), redirect: 'manual' }).then(async (res) => ({
          status: res.status,
          headers: [...res.headers] as [string, string][],
          body: new Uint8Array(await res.arrayBuffer()),
        }), (e: Error) => {
          // Miniflare rethrows what the Worker threw; its own frames are noise to the Worker's author.
          const stack = (e.stack ?? String(e)).split('\n').filter((l) => !/node_modules\/miniflare|node:internal/.test(l));
          throw new HandlerError(`handler ${o.shown}: threw: ${stack.join('\n')}`);
        });
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // workerd cannot interrupt one request; the whole process goes and the next request loads afresh.
            dead = `was stopped after a ${call.timeoutMs} ms timeout`;
            reject(new HandlerError(`handler ${o.shown}: did not answer within ${call.timeoutMs} ms (--timeout)`));
          }, call.timeoutMs);
        });
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
        inFlight--;
      }
    },
    alive: () => dead === undefined,
    idle: () => inFlight === 0,
    close: async () => {
      dead ??= 'was unloaded';
      await instance.dispose();
    },
  };
}
