import { canRead, canWrite, type Principal } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { fabricKey } from '../core/scope.js';
import { GLOBAL_PREFIX, isStreamTopic, LOCAL_PREFIX, SUBSCRIPTION_NAME } from '../core/streams.js';
import type { StreamRecord, SubscriptionType } from '../storage/index.js';
import { DEFAULT_NACK_DELAY_MS, type ConsumerOptions, type ReaderStart } from '../streams/index.js';
import type { ApiContext } from './context.js';

/*
 * What a stream WebSocket URL asks for (spec/gdn-api.md §9.3):
 *   /_ws/ws/v2/producer/persistent/{tenant}/{c8global|c8local}.{fabric}/{topic}
 *   /_ws/ws/v2/consumer/persistent/{tenant}/{namespace}/{topic}/{subscription}
 *   /_ws/ws/v2/reader/persistent/{tenant}/{namespace}/{topic}
 * (Pulsar's own /ws/v2/... is accepted too.) Everything is checked before the upgrade, so a bad URL
 * is answered with the GDN envelope and an HTTP status, as Pulsar's proxy refuses the upgrade.
 */
export type Role = 'producer' | 'consumer' | 'reader';

export interface StreamTarget {
  role: Role;
  tenant: string;
  /** The fabric's storage key, `<tenant>/<fabric>`. */
  fabric: string;
  rec: StreamRecord;
  subscription: string;
  params: URLSearchParams;
}

const MAX_QUEUE = 1000;
const MIN_ACK_TIMEOUT_MS = 1000;
const TYPES: readonly SubscriptionType[] = ['Exclusive', 'Shared', 'Failover'];

export function isStreamSocketPath(path: string): boolean {
  return path.startsWith('/_ws/ws/v2/') || path.startsWith('/ws/v2/');
}

function bad(message: string): never {
  throw gdnError('BAD_PARAMETER', `Invalid query params: ${message}`);
}

/**
 * The principal of a stream socket: `?otp=` (POST /apid/otp, single use) or the Authorization header
 * as on every route; with auth off, the dev user (or root of the tenant the path names).
 */
export async function socketPrincipal(ctx: ApiContext, url: string, authorization: string | undefined, pathTenant: string | undefined): Promise<Principal> {
  const { auth } = ctx;
  if (!auth.enabled) return auth.anonymous(pathTenant);
  const otp = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '').get('otp');
  if (otp !== null) {
    const p = auth.otp.consume(otp, ctx.clock.now());
    if (!p) throw gdnError('UNAUTHORIZED', 'not authorized to execute this request: the otp is unknown, expired or used already (POST /apid/otp gives a new one)');
    return p;
  }
  return auth.authenticator.cached(authorization) ?? (await auth.authenticator.authenticate(authorization));
}

/** The `{tenant}` segment of a stream socket path, if it has one. */
export function socketTenant(url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  const seg = path.replace(/^\/_ws/, '').split('/')[5];
  try {
    return seg === undefined ? undefined : decodeURIComponent(seg);
  } catch {
    return undefined;
  }
}

export function resolveTarget(ctx: ApiContext, url: string, principal: Principal): StreamTarget {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const parts = path.replace(/^\/_ws/, '').split('/').slice(3).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return bad(`'${p}' is not a valid path segment`);
    }
  });
  const [role, domain, tenant, namespace, topic, subscription, ...rest] = parts;
  if (role !== 'producer' && role !== 'consumer' && role !== 'reader') throw gdnError('NOT_FOUND', `no stream endpoint '${role ?? ''}': producer, consumer or reader`);
  const arity = role === 'consumer' ? 6 : 5;
  if (parts.length !== arity || rest.length > 0) {
    bad(`expecting /_ws/ws/v2/${role}/persistent/{tenant}/{c8global|c8local}.{fabric}/{topic}${role === 'consumer' ? '/{subscription}' : ''}`);
  }
  if (domain !== 'persistent') bad(`only persistent streams exist in fabric-emu, not '${domain}'`);
  const ns = /^(c8global|c8local)\.(.+)$/.exec(namespace!);
  if (!ns) bad(`namespace '${namespace}' is not c8global.{fabric} or c8local.{fabric}`);
  const [, scope, fabric] = ns as unknown as [string, string, string];
  if (tenant !== principal.tenant) throw gdnError('FORBIDDEN', `the path names tenant '${tenant}' but the credentials are of tenant '${principal.tenant}'`);
  const view = ctx.auth.dir.fabric(tenant, fabric);
  const { access } = ctx.auth;
  if (!view || access.fabric(principal, fabric) === 'none') throw gdnError('DATABASE_NOT_FOUND', `database not found: ${fabric}`);
  if (!view.dcList.includes(ctx.region)) throw gdnError('DATABASE_NOT_FOUND', `database not found: ${fabric} is not held at ${ctx.region}: its dcList is ${view.dcList.join(', ')}`);
  const rec = streamOf(ctx, fabricKey(tenant, fabric), scope === 'c8global', topic!);
  // A producer writes, a consumer or reader reads: `wo` may produce only, `ro` consume only.
  const level = access.stream(principal, fabric, rec.topic);
  if (role === 'producer' ? !canWrite(level) : !canRead(level)) throw gdnError('FORBIDDEN', `${principal.keyid !== undefined ? `API key '${principal.keyid}'` : `user '${principal.user}'`} has ${level} access to stream '${rec.topic}': it cannot ${role === 'producer' ? 'produce' : 'consume or read'}`);
  if (role === 'consumer' && !SUBSCRIPTION_NAME.test(subscription!)) bad(`illegal subscription name '${subscription}'`);
  return { role, tenant: tenant!, fabric: fabricKey(tenant, fabric), rec, subscription: subscription ?? '', params };
}

function streamOf(ctx: ApiContext, fabric: string, global: boolean, topic: string): StreamRecord {
  const store = ctx.storage.streams;
  if (isStreamTopic(topic)) {
    if (topic.startsWith(GLOBAL_PREFIX) !== global) bad(`${topic} is not in the ${global ? 'c8global' : 'c8local'} namespace`);
    return store.require(fabric, topic);
  }
  if (global) bad(`'${topic}' is not a global stream's topic (${GLOBAL_PREFIX}<name>)`);
  const c = ctx.storage.collections.get(fabric, topic);
  if (!c) throw gdnError('STREAM_NOT_FOUND', `stream not found: ${topic} (neither ${LOCAL_PREFIX}<name> nor a collection)`);
  if (!c.props.hasStream) throw gdnError('STREAM_NOT_FOUND', `collection '${topic}' has no change stream: create it with stream: true or set hasStream in its properties`);
  return ctx.storage.write(() => store.collectionStream(fabric, topic));
}

function int(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) bad(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

function queueSize(params: URLSearchParams): number {
  return Math.max(1, Math.min(int(params, 'receiverQueueSize', MAX_QUEUE), MAX_QUEUE));
}

export function consumerOptions(params: URLSearchParams): ConsumerOptions {
  const type = (params.get('subscriptionType') ?? 'Exclusive') as SubscriptionType;
  if (!TYPES.includes(type)) bad(`subscriptionType '${type}' is not one of ${TYPES.join(', ')}`);
  const ackTimeoutMs = int(params, 'ackTimeoutMillis', 0);
  if (ackTimeoutMs > 0 && ackTimeoutMs < MIN_ACK_TIMEOUT_MS) bad(`ackTimeoutMillis must be 0 or at least ${MIN_ACK_TIMEOUT_MS}`);
  const pull = params.get('pullMode');
  if (pull !== null && pull !== 'true' && pull !== 'false') bad(`pullMode must be true or false, got '${pull}'`);
  return {
    type,
    consumerName: params.get('consumerName') ?? '',
    queueSize: queueSize(params),
    ackTimeoutMs,
    nackDelayMs: int(params, 'negativeAckRedeliveryDelay', DEFAULT_NACK_DELAY_MS),
    pullMode: pull === 'true',
  };
}

export function readerOptions(params: URLSearchParams): { start: ReaderStart; queueSize: number; name: string } {
  const id = params.get('messageId') ?? 'latest';
  const start: ReaderStart = id === 'latest' || id === 'earliest' || id === '' ? { at: id === 'earliest' ? 'earliest' : 'latest' } : { after: id };
  return { start, queueSize: queueSize(params), name: params.get('readerName') ?? '' };
}
