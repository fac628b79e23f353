/**
 * Runs in a worker thread: hosts one handler module. A thread per loaded version of the handler
 * gives every reload a fresh module graph (no import cache to bust), and lets the runner stop a
 * handler that hangs, even in a busy loop, by terminating the thread.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { withClientRegion } from './client-fetch.js';
import type { HostData, HostReady, Invocation, Outcome, WireRequest, WireResponse } from './protocol.js';
import { detectStyle, lambdaResultProblem } from './style.js';

type Mod = Record<string, unknown>;
type WorkerModule = { fetch(req: Request, env: Record<string, string>, ctx: unknown): unknown };

const port = parentPort!;
const data = workerData as HostData;
globalThis.fetch = withClientRegion(globalThis.fetch, data.clientRegion, data.fabricOrigins);

/** The error with its stack down to the handler's own frames; the host's frames are noise to its author. */
function message(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const lines = (e.stack ?? `${e.name}: ${e.message}`).split('\n');
  return lines.filter((l) => !/\/edge\/host\.js|node:internal|\(node:/.test(l)).join('\n');
}

async function toWire(res: Response): Promise<WireResponse> {
  return { status: res.status, headers: [...res.headers.entries()], body: new Uint8Array(await res.arrayBuffer()) };
}

function fromWire(r: WireRequest): Request {
  const body = r.body && r.method !== 'GET' && r.method !== 'HEAD' ? r.body : null;
  return new Request(r.url, { method: r.method, headers: r.headers, body });
}

async function run(mod: Mod, style: 'lambda' | 'worker', inv: Invocation): Promise<Outcome> {
  const { id } = inv;
  let result: unknown;
  try {
    if (style === 'lambda') {
      Object.assign(process.env, inv.env);
      result = await (mod['handler'] as (e: unknown, c: unknown) => unknown)(inv.input, { functionName: data.file, awsRequestId: String(id) });
    } else {
      const pending: Promise<unknown>[] = [];
      const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(Promise.resolve(p).catch(() => undefined)), passThroughOnException: () => undefined };
      result = await (mod['default'] as WorkerModule).fetch(fromWire(inv.input as WireRequest), { ...inv.env }, ctx);
    }
  } catch (e) {
    return { id, ok: false, cause: 'threw', message: message(e) };
  }
  if (style === 'lambda') {
    const problem = lambdaResultProblem(result);
    return problem ? { id, ok: false, cause: 'malformed', message: problem } : { id, ok: true, output: result };
  }
  if (!(result instanceof Response)) {
    return { id, ok: false, cause: 'malformed', message: `fetch() must return a Response, got ${result === null ? 'null' : typeof result === 'object' ? (result.constructor?.name ?? 'an object') : typeof result}` };
  }
  return { id, ok: true, output: await toWire(result) };
}

async function main(): Promise<void> {
  let mod: Mod;
  try {
    mod = (await import(pathToFileURL(data.file).href)) as Mod;
  } catch (e) {
    port.postMessage({ type: 'load-error', message: `cannot load: ${message(e)}` } satisfies HostReady);
    return;
  }
  const style = detectStyle(mod);
  if (style !== 'lambda' && style !== 'worker') {
    port.postMessage({ type: 'load-error', message: style } satisfies HostReady);
    return;
  }
  port.on('message', (inv: Invocation) => {
    void run(mod, style, inv).then(
      (o) => port.postMessage(o),
      (e: unknown) => port.postMessage({ id: inv.id, ok: false, cause: 'threw', message: message(e) } satisfies Outcome),
    );
  });
  port.postMessage({ type: 'ready', style } satisfies HostReady);
}

void main();
