/**
 * Runs in a worker thread (started with --experimental-vm-modules): hosts one EdgeWorkers bundle in
 * a V8 context of its own whose only names are the language's built-ins and the EdgeWorkers modules
 * (http-request, create-response, log, url-search-params, cookies, encoding, streams). No process,
 * no require, no fetch, no eval: what the bundle imports outside that list or its own folder is
 * refused at load, as the EdgeWorkers validator refuses it at upload.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { EdgeLocation } from '../fabric-target.js';
import { fabricFetch, type FabricCall, type Route } from '../outbound.js';
import type { HostData, HostReady, Invocation, Outcome } from '../thread-protocol.js';
import { Cookies, createResponse, EwRequest, EwResponse, HttpResponse, SetCookie, type Answer } from './api.js';

export interface AkamaiEvent {
  request: { method: string; url: string; headers: [string, string][]; body: Uint8Array; clientIp: string };
  /** The property's origin: where the request goes when no handler answers it. */
  origin: string;
}

const port = parentPort!;
const data = workerData as HostData;
const location = data.extra as EdgeLocation;
const root = dirname(data.file);

interface Current {
  route: Route;
  origin: string;
  calls: FabricCall[];
}
const current = new AsyncLocalStorage<Current>();
let last: Current = { route: data.route, origin: data.route.pop.url, calls: [] };
const now = () => current.getStore() ?? last;
const routed = fabricFetch((r) => fetch(r), data.fabric, () => now().route, (c) => now().calls.push(c));

/** `httpRequest(url, { method, headers, body, timeout })`: a relative URL goes to the property's origin. */
async function httpRequest(url: string, o: { method?: string; headers?: Record<string, string | string[]>; body?: string; timeout?: number } = {}): Promise<HttpResponse> {
  const target = /^https?:\/\//i.test(url) ? url : `${now().origin.replace(/\/$/, '')}${url.startsWith('/') ? '' : '/'}${url}`;
  const headers: [string, string][] = Object.entries(o.headers ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, String(x)]));
  const res = await routed(new Request(target, { method: o.method ?? 'GET', headers, ...(o.body !== undefined ? { body: o.body } : {}) }));
  return new HttpResponse(res.status, [...res.headers], new Uint8Array(await res.arrayBuffer()));
}

const log = (level: string) => (format: string, ...args: unknown[]) => {
  let i = 0;
  const text = String(format).replace(/%[sdoj]/g, () => (i < args.length ? (typeof args[i] === 'string' ? String(args[i++]) : JSON.stringify(args[i++])) : ''));
  process.stdout.write(`[edgeworker ${level}] ${text}\n`);
};
const logger = { log: log('log'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), trace: log('trace') };

const BUILT_INS: Record<string, Record<string, unknown>> = {
  'http-request': { httpRequest },
  'create-response': { createResponse },
  log: { logger },
  'url-search-params': { default: URLSearchParams },
  cookies: { Cookies, SetCookie },
  encoding: { TextEncoder, TextDecoder, atob, btoa, base64: { encode: btoa, decode: atob } },
  streams: { ReadableStream, WritableStream, TransformStream, ByteLengthQueuingStrategy, CountQueuingStrategy },
};

const HANDLERS = ['onClientRequest', 'onOriginRequest', 'onOriginResponse', 'onClientResponse', 'responseProvider'] as const;
type Handlers = Partial<Record<(typeof HANDLERS)[number], (...a: unknown[]) => unknown>>;

/** The stack down to the bundle's own frames. */
function message(e: unknown): string {
  if (!(e instanceof Error) && !(typeof e === 'object' && e !== null && 'stack' in e)) return String(e);
  const err = e as Error;
  return (err.stack ?? `${err.name}: ${err.message}`)
    .split('\n')
    .filter((l) => !/\/edge\/(akamai|outbound)|node:internal|\(node:/.test(l))
    .join('\n');
}

async function load(): Promise<Handlers> {
  const context = vm.createContext({}, { name: 'edgeworker', codeGeneration: { strings: false, wasm: false } });
  const modules = new Map<string, vm.Module>();
  const source = (file: string) => {
    let m = modules.get(file);
    if (!m) modules.set(file, (m = new vm.SourceTextModule(readFileSync(file, 'utf8'), { context, identifier: pathToFileURL(file).href })));
    return m;
  };
  const linker = async (specifier: string, referencing: vm.Module): Promise<vm.Module> => {
    const builtIn = BUILT_INS[specifier];
    if (builtIn) {
      return new vm.SyntheticModule(Object.keys(builtIn), function (this: vm.SyntheticModule) {
        for (const [k, v] of Object.entries(builtIn)) this.setExport(k, v);
      }, { context, identifier: `edgeworkers:${specifier}` });
    }
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
      throw new Error(`cannot import '${specifier}': an EdgeWorkers bundle imports only its own files and ${Object.keys(BUILT_INS).join(', ')}`);
    }
    const file = resolve(dirname(fileURLToPath(referencing.identifier)), specifier);
    if (relative(root, file).startsWith('..') || !file.startsWith(root + sep)) throw new Error(`cannot import '${specifier}': outside the bundle folder ${root}`);
    return source(file);
  };
  const main = source(join(root, 'main.js'));
  await main.link(linker);
  await main.evaluate();
  const ns = main.namespace as Record<string, unknown>;
  const handlers: Handlers = {};
  for (const h of HANDLERS) if (typeof ns[h] === 'function') handlers[h] = ns[h] as (...a: unknown[]) => unknown;
  if (Object.keys(handlers).length === 0) throw new Error(`main.js exports none of the EdgeWorkers event handlers (${HANDLERS.join(', ')})`);
  return handlers;
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return new Uint8Array(await new Response(body as ReadableStream).arrayBuffer());
}

const wire = (a: { status: number; headers: Record<string, string[]> }, body: Uint8Array) => ({
  status: a.status,
  headers: Object.entries(a.headers).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v])),
  body,
});

/** One viewer request through the handlers, in the order the edge server runs them. */
async function serve(h: Handlers, ev: AkamaiEvent) {
  const r = ev.request;
  const req = new EwRequest(new URL(r.url), r.method, r.headers, r.clientIp, location, r.body);
  const answered = (a: Answer) => wire(a, typeof a.body === 'string' ? new TextEncoder().encode(a.body) : a.body);
  if (h.onClientRequest) {
    await h.onClientRequest(req);
    if (req.answer) return answered(req.answer);
  }
  let res: EwResponse;
  if (h.responseProvider) {
    const out = (await h.responseProvider(req)) as { status?: unknown; headers?: Record<string, string[]>; body?: unknown } | undefined;
    if (typeof out !== 'object' || out === null || typeof out.status !== 'number') throw new Error('responseProvider must return createResponse(status, headers, body)');
    res = new EwResponse(out.status, Object.entries(out.headers ?? {}).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v])), await bodyBytes(out.body));
  } else {
    if (h.onOriginRequest) {
      await h.onOriginRequest(req);
      if (req.answer) return answered(req.answer);
    }
    const to = req.routed;
    const origin = to?.origin ?? ev.origin;
    const path = to?.path ?? req.path;
    const query = to?.query ?? req.query;
    const headers = req.pairs().filter(([k]) => !['host', 'content-length', 'connection'].includes(k));
    const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
    const got = await routed(new Request(`${origin.replace(/\/$/, '')}${path}${query ? `?${query}` : ''}`, { method: r.method, headers, ...(hasBody ? { body: Buffer.from(r.body) } : {}) }));
    res = new EwResponse(got.status, [...got.headers].filter(([k]) => k !== 'content-encoding' && k !== 'content-length'), new Uint8Array(await got.arrayBuffer()));
    if (h.onOriginResponse) await h.onOriginResponse(req, res);
  }
  if (h.onClientResponse) await h.onClientResponse(req, res);
  return wire({ status: res.status, headers: res.getHeaders() }, res.rawBody);
}

async function main(): Promise<void> {
  let handlers: Handlers;
  try {
    handlers = await load();
  } catch (e) {
    port.postMessage({ type: 'load-error', message: `cannot load: ${message(e)}` } satisfies HostReady);
    return;
  }
  port.on('message', (inv: Invocation) => {
    const ev = inv.event as AkamaiEvent;
    const ctx: Current = { route: inv.route, origin: ev.origin, calls: [] };
    last = ctx;
    void current
      .run(ctx, () => serve(handlers, ev))
      .then(
        (output) => port.postMessage({ id: inv.id, ok: true, output, calls: ctx.calls } satisfies Outcome),
        (e: unknown) => port.postMessage({ id: inv.id, ok: false, message: `threw: ${message(e)}`, calls: ctx.calls } satisfies Outcome),
      );
  });
  port.postMessage({ type: 'ready' } satisfies HostReady);
}

void main();
