/**
 * Lambda@Edge on Node (the runtime it deploys to): one worker thread per deployment, driven by
 * CloudFront's four triggers, or by an API Gateway HTTP API for a plain Lambda. The origin behind
 * the distribution is the fabric (its nearest PoP) unless `origin` names another.
 */
import { STATUS_CODES } from 'node:http';
import { basename, dirname } from 'node:path';
import { fabricFetch } from '../outbound.js';
import { HandlerError, type Call, type EdgeRequest, type EdgeResponse, type LoadedFunction, type LoadOptions } from '../runtime.js';
import { apiGatewayEvent, lambdaResultToHttp } from './api-gateway.js';
import {
  cfResponseToHttp,
  cloudFrontEvent,
  eventTrigger,
  originRequest,
  side,
  toCfResponse,
  viewerRequest,
  fromCfHeaders,
  type CfRequest,
  type CfResponse,
  type CloudFrontTrigger,
} from './cloudfront.js';
import { isResponse, requestProblem, responseProblem, TIMEOUT_MS } from './cloudfront-rules.js';
import { HandlerRunner } from '../thread-runner.js';
import { lambdaResultProblem } from './style.js';

const HOST = new URL('./host.js', import.meta.url);

export const LAMBDA_TRIGGERS = ['viewer-request', 'origin-request', 'origin-response', 'viewer-response', 'api-gateway'] as const;
export type LambdaTrigger = (typeof LAMBDA_TRIGGERS)[number];

export interface LambdaOptions {
  trigger: LambdaTrigger;
  /** The distribution's origin; undefined: the fabric's nearest PoP. */
  origin?: string | undefined;
  /** CloudFront's "include body" option for the request triggers. */
  includeBody?: boolean;
}

/** Lambda@Edge's time limit when the user gives none: 5 s on viewer triggers, 30 s on origin ones. */
export function defaultTimeout(trigger: LambdaTrigger): number {
  return trigger === 'api-gateway' ? 10_000 : TIMEOUT_MS[side(trigger)];
}

/** What Lambda puts in process.env: its own variables only (Lambda@Edge has no user variables). */
function lambdaEnv(file: string, region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
    AWS_LAMBDA_FUNCTION_NAME: basename(dirname(file)),
    AWS_LAMBDA_FUNCTION_VERSION: '1',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    LAMBDA_TASK_ROOT: dirname(file),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/usr/local/bin:/usr/bin:/bin',
  };
}

const malformed = (shown: string, trigger: string, why: string) => new HandlerError(`handler ${shown}: returned a malformed response: ${why} (${trigger})`);

export async function loadLambda(file: string, o: LoadOptions, l: LambdaOptions): Promise<LoadedFunction> {
  const runners = new Map<string, HandlerRunner>();
  try {
    await Promise.all(
      o.placements.map(async (p, i) => {
        runners.set(p.at, await HandlerRunner.start(HOST, { file, fabric: o.fabric, route: o.routes[i]! }, o.shown, { env: lambdaEnv(file, p.location.region) }));
      }),
    );
  } catch (e) {
    await Promise.all([...runners.values()].map((r) => r.close()));
    throw e;
  }
  const runner = (at: string) => runners.get(at)!;
  const run = (event: unknown, call: Call) => runner(call.at).invoke({ route: call.route, event }, call.timeoutMs, call.onCall);

  /** The distribution's request to its origin, routed like any fabric call when the origin is the fabric. */
  async function toOrigin(r: CfRequest, body: Uint8Array, call: Call): Promise<EdgeResponse> {
    const base = l.origin ?? call.route.pop.url;
    const url = `${base.replace(/\/$/, '')}${r.uri}${r.querystring ? `?${r.querystring}` : ''}`;
    const headers = fromCfHeaders(r.headers).filter(([k]) => !['host', 'via', 'content-length'].includes(k.toLowerCase()));
    const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
    const f = fabricFetch((req) => fetch(req), { ...o.fabric, origins: [...o.fabric.origins, new URL(base).origin] }, () => call.route, call.onCall);
    let res: Response;
    try {
      res = await f(new Request(url, { method: r.method, headers, ...(hasBody ? { body: body.length ? Buffer.from(body) : null } : {}), redirect: 'manual' }));
    } catch (e) {
      // CloudFront's answer when the origin cannot be reached.
      return { status: 502, headers: [['content-type', 'text/plain']], body: new TextEncoder().encode(`origin ${base} unreachable: ${(e as Error).message}`) };
    }
    return { status: res.status, headers: [...res.headers].filter(([k]) => k !== 'content-encoding'), body: new Uint8Array(await res.arrayBuffer()) };
  }

  /** A request trigger: its answer is a response to send, or the request to forward. */
  async function requestTrigger(trigger: CloudFrontTrigger, cfReq: CfRequest, body: Uint8Array, call: Call): Promise<EdgeResponse> {
    const out = await run(cloudFrontEvent(trigger, cfReq), call);
    if (isResponse(out)) {
      const p = responseProblem(trigger, out);
      if (p) throw malformed(o.shown, trigger, p);
      return cfResponseToHttp(out as CfResponse);
    }
    const p = requestProblem(trigger, out, cfReq);
    if (p) throw malformed(o.shown, trigger, p);
    const forwarded = out as CfRequest;
    // Only the trigger the function is attached to runs it; the rest of the way is CloudFront's.
    const onward = trigger === 'viewer-request' ? originRequest(forwarded, new URL(l.origin ?? call.route.pop.url), body, { includeBody: false }) : forwarded;
    return toOrigin(onward, body, call);
  }

  async function responseTrigger(trigger: CloudFrontTrigger, cfReq: CfRequest, res: EdgeResponse, call: Call): Promise<EdgeResponse> {
    const original = toCfResponse(res, STATUS_CODES[res.status] ?? '');
    const out = await run(cloudFrontEvent(trigger, cfReq, original), call);
    const p = responseProblem(trigger, out, original);
    if (p) throw malformed(o.shown, trigger, p);
    return cfResponseToHttp(out as CfResponse, res.body);
  }

  /** The events CloudFront sends for one viewer request, with only `l.trigger` running the function. */
  async function serveCloudFront(req: EdgeRequest, call: Call): Promise<EdgeResponse> {
    const t = l.trigger as CloudFrontTrigger;
    const includeBody = l.includeBody ?? false;
    const viewer = viewerRequest(req, { includeBody: includeBody && t === 'viewer-request' });
    const origin = new URL(l.origin ?? call.route.pop.url);
    if (t === 'viewer-request') return requestTrigger(t, viewer, req.body, call);
    const toOriginReq = originRequest(viewer, origin, req.body, { includeBody: includeBody && t === 'origin-request' });
    if (t === 'origin-request') return requestTrigger(t, toOriginReq, req.body, call);
    const res = await toOrigin(toOriginReq, req.body, call);
    return responseTrigger(t, t === 'origin-response' ? toOriginReq : viewer, res, call);
  }

  return {
    kind: 'lambda-edge',
    description: l.trigger === 'api-gateway' ? 'Lambda (API Gateway HTTP API event) on Node' : `Lambda@Edge (CloudFront ${l.trigger}) on Node`,
    placements: o.placements,
    async serve(req, call) {
      if (l.trigger !== 'api-gateway') return serveCloudFront(req, call);
      const out = await run(apiGatewayEvent(req, new Date()), call);
      const p = lambdaResultProblem(out);
      if (p) throw new HandlerError(`handler ${o.shown}: returned a malformed response: ${p}`);
      return lambdaResultToHttp(out as Parameters<typeof lambdaResultToHttp>[0]);
    },
    async invokeEvent(event, call) {
      const out = await run(event, call);
      const t = eventTrigger(event);
      if (t === undefined) {
        // Not CloudFront's: held to API Gateway's rules when that is the trigger, else returned as is.
        const p = l.trigger === 'api-gateway' ? lambdaResultProblem(out) : undefined;
        if (p) throw new HandlerError(`handler ${o.shown}: returned a malformed response: ${p}`);
        return out;
      }
      const cf = (event as { Records: { cf: { request: CfRequest; response?: CfResponse } }[] }).Records[0]!.cf;
      const p = t.endsWith('response') ? responseProblem(t, out, cf.response) : isResponse(out) ? responseProblem(t, out) : requestProblem(t, out, cf.request);
      if (p) throw malformed(o.shown, t, p);
      return out;
    },
    alive: () => [...runners.values()].every((r) => r.alive()),
    idle: () => [...runners.values()].every((r) => r.idle()),
    close: async () => {
      await Promise.all([...runners.values()].map((r) => r.close()));
    },
  };
}

