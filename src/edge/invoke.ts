import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { edgeEnv, fabricOrigins, resolveTarget, type EdgeEnvOptions } from './fabric-target.js';
import { apiGatewayEvent, workerRequest, type HttpInput } from './http-shapes.js';
import type { HandlerStyle, WireResponse } from './protocol.js';
import { HandlerError, HandlerRunner } from './runner.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Where a Workers-style handler is "served" from: an origin of its own, never the fabric's. */
export const EDGE_ORIGIN = 'http://edge.localhost';

export interface InvokeOptions extends EdgeEnvOptions {
  /** Global URL of the running fabric. */
  url: string;
  /** A region name or `lat,lon`: where the handler runs. */
  at: string;
  /**
   * Lambda style: the event, as is (default: an API Gateway GET / event). Workers style: a request
   * description `{ method?, path?, headers?, body? }` (default GET /).
   */
  event?: unknown;
  timeoutMs?: number;
  cwd?: string;
}

export interface InvokeResult {
  style: HandlerStyle;
  /** The PoP the handler was given, and where latency was charged from. */
  region: string;
  clientRegion: string;
  /** Lambda: the handler's result object. Workers: `{ status, headers, body }` with the body as text. */
  output: unknown;
}

export function shownFile(abs: string, cwd = process.cwd()): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** A Workers-style `--event` file: `{ method?, path?, headers?, body? }`. */
export function httpInputFrom(v: unknown, where: string): HttpInput {
  if (v === undefined) return { method: 'GET', path: '/', headers: {}, body: Buffer.alloc(0) };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HandlerError(`${where}: a Workers-style event is an object { method?, path?, headers?, body? }`);
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !['method', 'path', 'headers', 'body'].includes(k));
  if (unknown.length) throw new HandlerError(`${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: method, path, headers, body)`);
  const { method = 'GET', path = '/', headers = {}, body } = o;
  if (typeof method !== 'string' || typeof path !== 'string' || !path.startsWith('/')) throw new HandlerError(`${where}: method must be a string and path a string starting with '/'`);
  if (typeof headers !== 'object' || headers === null || Object.values(headers).some((h) => typeof h !== 'string')) throw new HandlerError(`${where}: headers must be an object of strings`);
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { method: method.toUpperCase(), path, headers: headers as Record<string, string>, body: Buffer.from(text) };
}

export function wireToOutput(r: WireResponse): { status: number; headers: Record<string, string>; body: string } {
  return { status: r.status, headers: Object.fromEntries(r.headers), body: Buffer.from(r.body).toString('utf8') };
}

/** Runs a handler once as if deployed at `at`, against the nearest live PoP of the fabric. */
export async function invokeHandler(file: string, o: InvokeOptions): Promise<InvokeResult> {
  const abs = resolve(o.cwd ?? process.cwd(), file);
  const shown = shownFile(abs, o.cwd);
  if (!existsSync(abs)) throw new HandlerError(`handler ${shown}: no such file`);
  const target = await resolveTarget(o.url, o.at);
  const runner = await HandlerRunner.start(abs, shown, { clientRegion: target.clientRegion, fabricOrigins: await fabricOrigins(o.url) });
  try {
    const env = edgeEnv(target, o);
    const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (runner.style === 'lambda') {
      const event = o.event ?? apiGatewayEvent({ method: 'GET', path: '/', headers: { host: 'edge.localhost' }, body: Buffer.alloc(0) });
      return { style: 'lambda', region: target.region, clientRegion: target.clientRegion, output: await runner.invoke(env, event, timeout) };
    }
    const input = workerRequest(httpInputFrom(o.event, 'event'), EDGE_ORIGIN);
    const res = (await runner.invoke(env, input, timeout)) as WireResponse;
    return { style: 'worker', region: target.region, clientRegion: target.clientRegion, output: wireToOutput(res) };
  } finally {
    await runner.close();
  }
}
