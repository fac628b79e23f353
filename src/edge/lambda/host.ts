/**
 * Runs in a worker thread: hosts one Lambda function. A thread per loaded version gives every
 * reload a fresh module graph, its own process.env (only what Lambda sets), and lets the runner stop
 * a function that hangs, even in a busy loop, by terminating the thread.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { fabricFetch, type FabricCall, type Route } from '../outbound.js';
import type { HostData, HostReady, Invocation, Outcome } from '../thread-protocol.js';
import { findHandler } from './style.js';

const port = parentPort!;
const data = workerData as HostData;

interface Current {
  route: Route;
  calls: FabricCall[];
}
const current = new AsyncLocalStorage<Current>();
let last: Current = { route: data.route, calls: [] };

const realFetch = globalThis.fetch;
const routed = fabricFetch((r) => realFetch(r), data.fabric, () => (current.getStore() ?? last).route, (c) => (current.getStore() ?? last).calls.push(c));
globalThis.fetch = (input, init) => routed(new Request(input, init));

/** The error with its stack down to the function's own frames; the host's frames are noise to its author. */
function message(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const lines = (e.stack ?? `${e.name}: ${e.message}`).split('\n');
  return lines.filter((l) => !/\/edge\/(lambda\/host|outbound)\.js|node:internal|\(node:/.test(l)).join('\n');
}

async function main(): Promise<void> {
  let handler: ReturnType<typeof findHandler>;
  try {
    handler = findHandler((await import(pathToFileURL(data.file).href)) as Record<string, unknown>);
  } catch (e) {
    port.postMessage({ type: 'load-error', message: `cannot load: ${message(e)}` } satisfies HostReady);
    return;
  }
  if (typeof handler === 'string') {
    port.postMessage({ type: 'load-error', message: handler } satisfies HostReady);
    return;
  }
  const fn = handler;
  port.on('message', (inv: Invocation) => {
    const ctx: Current = { route: inv.route, calls: [] };
    last = ctx;
    const context = { functionName: data.file, awsRequestId: String(inv.id), getRemainingTimeInMillis: () => 0, callbackWaitsForEmptyEventLoop: true };
    void current
      .run(ctx, async () => fn(inv.event, context))
      .then(
        (output) => port.postMessage({ id: inv.id, ok: true, output, calls: ctx.calls } satisfies Outcome),
        (e: unknown) => port.postMessage({ id: inv.id, ok: false, message: `threw: ${message(e)}`, calls: ctx.calls } satisfies Outcome),
      );
  });
  port.postMessage({ type: 'ready' } satisfies HostReady);
}

void main();
