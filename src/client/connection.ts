import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Agent as UndiciAgent, fetch as undiciFetch } from 'undici';
import { API_PREFIX, GLOBAL_LABEL, LOCAL_DOMAIN } from '../core/gdn-hosts.js';
import type { FabricHttps } from '../tls/index.js';
import { isLocalhostName, localhostLookup } from './lookup.js';

/** What jsC8 takes: spread it into `new jsc8({ ...conn.jsc8 })` (it holds the API key when the connection has one). */
export interface Jsc8Options {
  /** `https://gdn.localhost:<port>` or `https://<region>.localhost:<port>`; jsC8 prepends `api-` itself. */
  url: string;
  apiKey?: string;
  /** jsC8 makes one https.Agent per host from these (and its defaults: maxSockets 3, keepAlive). */
  agentOptions: AgentOptions & { ca: string; lookup: LookupFunction };
}

/** Everything a client in this process needs to reach a fabric over HTTPS. */
export interface GdnConnection {
  /** The front door's URL for the global name or the chosen region, without `api-` (jsC8's form). */
  readonly url: string;
  /** The same with `api-` (what curl and plain fetch call; both names route the same). */
  readonly apiUrl: string;
  readonly jsc8: Jsc8Options;
  /** Trusts the fabric's CA and resolves `*.localhost` to the front door, for node:https and anything that takes an agent. */
  readonly agent: HttpsAgent;
  /**
   * fetch (undici's, WHATWG signature) over the same trust and resolution; other hosts work as usual.
   * With an API key it sends `Authorization: apikey <key>` unless the request has an Authorization of its own.
   */
  readonly fetch: typeof fetch;
  /** The API key the connection calls with: the option, else the dev key of a fabric that checks credentials. */
  readonly apiKey: string | undefined;
  readonly lookup: LookupFunction;
  /** The CA certificate (PEM) and, when it is kept on disk, its file (for NODE_EXTRA_CA_CERTS, curl --cacert). */
  readonly ca: string;
  readonly caFile: string | undefined;
  /** The front door: where `*.localhost` leads, and its port. */
  readonly address: string;
  readonly port: number;
  /** Closes the agent's and fetch's sockets. */
  close(): Promise<void>;
}

export interface GdnConnectionOptions {
  /** A region's host names (`<region>.localhost`) instead of the global ones (`gdn.localhost`). */
  region?: string;
  /** With a URL: the CA to trust, as PEM text or a file path; by default fetched from the fabric (loopback only). */
  ca?: string;
  /** The API key for jsC8 and for fetch (`<tenant>.<keyid>.<secret>`); by default a fabric's dev key. */
  apiKey?: string;
}

/** Anything with a front door: what startFabric and startProcessFabric return. */
export interface HasHttps {
  readonly https: FabricHttps | undefined;
  readonly credentials?: { readonly apiKey: string };
  readonly auth?: boolean;
}

function withKey(init: Parameters<typeof fetch>[1], apiKey: string | undefined): Parameters<typeof fetch>[1] {
  if (apiKey === undefined) return init;
  const headers = new Headers(init?.headers);
  if (!headers.has('authorization')) headers.set('authorization', `apikey ${apiKey}`);
  return { ...init, headers };
}

const originOf = (https: Pick<FabricHttps, 'port'>, label: string) => `https://${label}.${LOCAL_DOMAIN}:${https.port}`;

/**
 * jsC8's options for a front door: `label` is a region's name or `gdn` for the global one. They hold
 * no sockets (jsC8 makes its own agents from them), so nothing needs closing.
 */
export function jsc8Options(https: Pick<FabricHttps, 'port' | 'address' | 'ca'>, label: string = GLOBAL_LABEL, apiKey?: string): Jsc8Options {
  const agentOptions = { ca: https.ca, lookup: localhostLookup(https.address), keepAlive: true, maxSockets: 3, keepAliveMsecs: 1000 };
  return { url: originOf(https, label), agentOptions, ...(apiKey === undefined ? {} : { apiKey }) };
}

/** The front door's URL of a region (or of the global name, `gdn`) as curl and plain fetch call it: with `api-`. */
export function frontDoorUrl(https: Pick<FabricHttps, 'port'>, label: string = GLOBAL_LABEL): string {
  return originOf(https, `${API_PREFIX}${label}`);
}

function build(https: Pick<FabricHttps, 'port' | 'address' | 'ca' | 'caFile'>, label: string, apiKey: string | undefined): GdnConnection {
  const jsc8 = jsc8Options(https, label, apiKey);
  const { lookup } = jsc8.agentOptions;
  const agent = new HttpsAgent(jsc8.agentOptions);
  const dispatcher = new UndiciAgent({ connect: { ca: https.ca, lookup } });
  const fetchVia = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(withKey(init, apiKey) as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as typeof fetch;
  return {
    url: jsc8.url,
    apiUrl: frontDoorUrl(https, label),
    jsc8,
    agent,
    fetch: fetchVia,
    apiKey,
    lookup,
    ca: https.ca,
    caFile: https.caFile,
    address: https.address,
    port: https.port,
    close: async () => {
      agent.destroy();
      await dispatcher.close();
    },
  };
}

function caText(given: string): string {
  return given.includes('-----BEGIN CERTIFICATE-----') ? given : readFileSync(given, 'utf8');
}

/** Asks a fabric's plain global URL where its front door is (GET /_emu/https). */
async function fromGlobalUrl(url: URL, opts: GdnConnectionOptions): Promise<GdnConnection> {
  const res = await fetch(new URL('/_emu/https', url), { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as Partial<FabricHttps> & { errorMessage?: string };
  if (!res.ok || typeof body.port !== 'number' || typeof body.ca !== 'string') {
    throw new Error(`${url.origin} has no HTTPS front door: ${body.errorMessage ?? `GET /_emu/https answered ${res.status}`}`);
  }
  const address = body.address ?? url.hostname.replace(/^\[|\]$/g, '');
  return build({ port: body.port, address, ca: opts.ca ? caText(opts.ca) : body.ca, caFile: opts.ca ? undefined : (body.caFile ?? undefined) }, opts.region ?? GLOBAL_LABEL, opts.apiKey);
}

/**
 * Downloads the CA from the front door itself (GET /_emu/ca.pem) before trusting it. That first
 * connection cannot be verified; it is made only to a loopback name, where whoever answers on the
 * port is the fabric the caller started.
 */
async function fromFrontDoorUrl(url: URL, opts: GdnConnectionOptions): Promise<GdnConnection> {
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = isLocalhostName(host) || host === '::1' || host.startsWith('127.');
  const address = isLocalhostName(host) ? '127.0.0.1' : host;
  const labelOf = () => {
    const first = host.endsWith(`.${LOCAL_DOMAIN}`) ? host.slice(0, -LOCAL_DOMAIN.length - 1) : GLOBAL_LABEL;
    return first.startsWith(API_PREFIX) ? first.slice(API_PREFIX.length) : first;
  };
  let ca: string;
  if (opts.ca) ca = caText(opts.ca);
  else {
    if (!loopback) throw new Error(`${url.origin} is not a loopback name: pass { ca } (PEM text or file) to trust its certificate`);
    const probe = new UndiciAgent({ connect: { rejectUnauthorized: false, lookup: localhostLookup(address) } });
    try {
      const res = await undiciFetch(new URL('/_emu/ca.pem', url), { dispatcher: probe, signal: AbortSignal.timeout(10_000) });
      ca = await res.text();
      if (!res.ok || !ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${url.origin}/_emu/ca.pem answered ${res.status}: not a fabric-emu front door`);
    } finally {
      await probe.close();
    }
  }
  return build({ port, address, ca, caFile: opts.ca && !opts.ca.includes('-----BEGIN') ? opts.ca : undefined }, opts.region ?? labelOf(), opts.apiKey);
}

/**
 * How to reach a fabric over HTTPS from this process: jsC8's options, an https.Agent and a fetch that
 * trust the fabric's CA and resolve `*.localhost` to its front door. `target` is a running fabric,
 * its front-door URL (`https://gdn.localhost:8443`), or its plain global URL (`http://127.0.0.1:8530`).
 */
export async function gdnConnection(target: HasHttps | string | URL, opts: GdnConnectionOptions = {}): Promise<GdnConnection> {
  if (typeof target === 'object' && !(target instanceof URL)) {
    if (!target.https) throw new Error('this fabric runs no HTTPS front door: start it with https: true (or a topology with https: {port})');
    const apiKey = opts.apiKey ?? (target.auth === false ? undefined : target.credentials?.apiKey);
    return build(target.https, opts.region ?? GLOBAL_LABEL, apiKey);
  }
  const url = new URL(String(target));
  if (url.protocol === 'https:') return fromFrontDoorUrl(url, opts);
  if (url.protocol === 'http:') return fromGlobalUrl(url, opts);
  throw new Error(`expected an https:// or http:// URL, got '${url.href}'`);
}
