import { performance } from 'node:perf_hooks';
import { resolveRoute, type Placement } from './fabric-target.js';
import { invocationLine } from './invocation-log.js';
import { cloudFrontEvent, eventTrigger, originRequest, viewerRequest, DISTRIBUTION } from './lambda/cloudfront.js';
import { apiGatewayEvent } from './lambda/api-gateway.js';
import { defaultTimeout, type LambdaTrigger } from './lambda/runtime.js';
import type { FabricCall } from './outbound.js';
import { HandlerError, type EdgeRequest, type EdgeResponse, type RuntimeKind } from './runtime.js';
import { DEFAULT_TIMEOUT_MS, openSession, type FunctionOptions } from './session.js';

/** Where a request-driven function (Workers, EdgeWorkers) is "served" from under invoke: an origin of its own, never the fabric's. */
export const EDGE_ORIGIN = 'http://edge.localhost';

export interface InvokeOptions extends FunctionOptions {
  /**
   * Lambda: the event, as is (default: the trigger's event for GET /). Workers and EdgeWorkers: a
   * request `{ method?, path?, headers?, body? }` (default GET /).
   */
  event?: unknown;
  timeoutMs?: number | undefined;
  log?: (line: string) => void;
}

export interface InvokeRun {
  /** The deployment (`--at`), the region it is in, and the PoP its first fabric call reached. */
  at: string;
  region: string;
  pop: string;
  calls: FabricCall[];
  /** Lambda: the function's result object. Others: `{ status, headers, body }` with the body as text. */
  output: unknown;
}

export interface InvokeResult {
  kind: RuntimeKind;
  description: string;
  runs: InvokeRun[];
}

/** A request `--event` file: `{ method?, path?, headers?, body? }`. */
export function requestFrom(v: unknown, where: string): EdgeRequest {
  const base = { clientIp: '127.0.0.1' };
  if (v === undefined) return { ...base, method: 'GET', url: `${EDGE_ORIGIN}/`, headers: [], body: new Uint8Array() };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HandlerError(`${where}: a request event is an object { method?, path?, headers?, body? }`);
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !['method', 'path', 'headers', 'body'].includes(k));
  if (unknown.length) throw new HandlerError(`${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: method, path, headers, body)`);
  const { method = 'GET', path = '/', headers = {}, body } = o;
  if (typeof method !== 'string' || typeof path !== 'string' || !path.startsWith('/')) throw new HandlerError(`${where}: method must be a string and path a string starting with '/'`);
  if (typeof headers !== 'object' || headers === null || Object.values(headers).some((h) => typeof h !== 'string')) throw new HandlerError(`${where}: headers must be an object of strings`);
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { ...base, method: method.toUpperCase(), url: new URL(path, EDGE_ORIGIN).href, headers: Object.entries(headers as Record<string, string>), body: new TextEncoder().encode(text) };
}

/** The event a trigger gets for a viewer's GET / when no --event is given. */
export function defaultLambdaEvent(trigger: LambdaTrigger, origin: string): unknown {
  const req: EdgeRequest = { method: 'GET', url: `https://${DISTRIBUTION.distributionDomainName}/`, headers: [['user-agent', 'fabric-emu'], ['accept', '*/*']], body: new Uint8Array(), clientIp: '127.0.0.1' };
  if (trigger === 'api-gateway') return apiGatewayEvent({ ...req, url: `${EDGE_ORIGIN}/` }, new Date());
  const viewer = viewerRequest(req, { includeBody: false });
  if (trigger === 'viewer-request') return cloudFrontEvent(trigger, viewer);
  const toOrigin = originRequest(viewer, new URL(origin), req.body, { includeBody: false });
  if (trigger === 'origin-request') return cloudFrontEvent(trigger, toOrigin);
  const response = { status: '200', statusDescription: 'OK', headers: { 'content-type': [{ key: 'Content-Type', value: 'application/json' }] } };
  return cloudFrontEvent(trigger, trigger === 'origin-response' ? toOrigin : viewer, response);
}

function textOutput(r: EdgeResponse): { status: number; headers: Record<string, string>; body: string } {
  return { status: r.status, headers: Object.fromEntries(r.headers), body: new TextDecoder().decode(r.body) };
}

/** Runs a function once at each of its deployments (one, unless `at` is `all`), against the nearest live PoP. */
export async function invokeHandler(path: string, o: InvokeOptions): Promise<InvokeResult> {
  const log = o.log ?? ((line: string) => console.error(line));
  const session = await openSession(path, o);
  const f = await session.load(log);
  try {
    const runs: InvokeRun[] = [];
    for (const placement of session.placements) runs.push(await runAt(placement));
    return { kind: f.kind, description: f.description, runs };
  } finally {
    await f.close();
  }

  async function runAt(placement: Placement): Promise<InvokeRun> {
    const route = await resolveRoute(o.url, placement.at);
    const calls: FabricCall[] = [];
    const trigger = o.trigger ?? 'viewer-request';
    const call = { at: placement.at, route, onCall: (c: FabricCall) => calls.push(c), timeoutMs: o.timeoutMs ?? (f.kind === 'lambda-edge' ? defaultTimeout(trigger) : DEFAULT_TIMEOUT_MS) };
    const started = performance.now();
    let output: unknown;
    let status: number | string;
    let shown: { method: string; path: string };
    if (f.invokeEvent) {
      output = await f.invokeEvent(o.event ?? defaultLambdaEvent(trigger, o.origin ?? route.pop.url), call);
      const r = output as { status?: unknown; statusCode?: unknown } | null;
      status = String(r?.statusCode ?? r?.status ?? 'done');
      shown = o.event === undefined ? { method: 'GET', path: '/' } : { method: 'event', path: eventTrigger(o.event) ?? '(as given)' };
    } else {
      const req = requestFrom(o.event, 'event');
      const res = await f.serve(req, call);
      output = textOutput(res);
      status = res.status;
      const url = new URL(req.url);
      shown = { method: req.method, path: url.pathname + url.search };
    }
    log(`fabric-emu invoke: ${invocationLine({ ...shown, status, ms: performance.now() - started, placement, calls })}`);
    return { at: placement.at, region: placement.location.region, pop: calls[0]?.pop ?? route.pop.region, calls, output };
  }
}
