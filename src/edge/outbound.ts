/**
 * The one place that decides where an edge function's outbound request goes. Requests to the
 * fabric, by its own URLs or by GDN host names, reach a PoP and say which region the function runs
 * at, so that the PoP charges the round trip from there; everything else is left alone.
 */
export const CLIENT_REGION_HEADER = 'x-gdn-client-region';
export const CLIENT_LOCATION_HEADER = 'x-gdn-client-location';
/** What the PoP charged a request (api/app.ts says it back). */
export const CLIENT_DELAY_HEADER = 'x-gdn-client-delay-ms';

/** GDN's global host names: any `*.macrometa.io` (as the SDK and the console print them), and the local ones. */
export const DEFAULT_GDN_HOSTS: readonly string[] = ['.macrometa.io', 'api-gdn.localhost', 'gdn.localhost'];

/** What of the fabric a function can reach; read once when it starts. */
export interface FabricMap {
  /** Origins of the PoPs and of the global URL: requests there keep their URL. */
  origins: string[];
  /** Region name → its PoP's URL, for host names that name a region (`api-gdn-us-east.…`, `gdn-us-east.localhost`). */
  regions: Record<string, string>;
  /** Host names, or `.suffix` patterns, that mean "the nearest PoP". */
  gdnHosts: readonly string[];
}

/** Where a deployed function's fabric calls go right now. */
export interface Route {
  /** The region latency is charged from: where the function runs. */
  clientRegion: string;
  /** The live PoP nearest it. */
  pop: { region: string; url: string };
}

/** One call a function made to the fabric, for the invocation log. */
export interface FabricCall {
  method: string;
  url: string;
  /** The region of the PoP that answered (its x-gdn-region), or the one tried when it did not answer. */
  pop: string;
  status: number;
  delayMs: number;
}

function matches(host: string, pattern: string): boolean {
  return pattern.startsWith('.') ? host.endsWith(pattern) || host === pattern.slice(1) : host === pattern;
}

function rebase(base: string, url: URL): string {
  return `${base.replace(/\/$/, '')}${url.pathname}${url.search}`;
}

/** The URL that a function's request to `url` really reaches, or undefined when it is not the fabric's. */
export function fabricDestination(url: URL, map: FabricMap, route: Route): string | undefined {
  if (map.origins.includes(url.origin)) return url.href;
  const host = url.hostname.toLowerCase();
  const first = host.split('.')[0]!;
  const named = map.regions[first.replace(/^api-/, '')];
  const gdnName = map.gdnHosts.some((p) => matches(host, p));
  // A region's own name: bare, under .localhost, or under one of GDN's domains.
  if (named !== undefined && (host === first || host.endsWith('.localhost') || map.gdnHosts.some((p) => p.startsWith('.') && host.endsWith(p)))) {
    return rebase(named, url);
  }
  return gdnName ? rebase(route.pop.url, url) : undefined;
}

type Fetch = (request: Request) => Promise<Response>;

/**
 * A fetch for a function: `route()` says where it runs now, `onCall` hears of every call that
 * reached the fabric. `inner` does the real request.
 */
export function fabricFetch(inner: Fetch, map: FabricMap, route: () => Route, onCall: (c: FabricCall) => void): Fetch {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return inner(request);
    }
    const r = route();
    const dest = fabricDestination(url, map, r);
    if (dest === undefined) return inner(request);
    const headers = new Headers(request.headers);
    headers.delete('host');
    if (!headers.has(CLIENT_REGION_HEADER) && !headers.has(CLIENT_LOCATION_HEADER)) headers.set(CLIENT_REGION_HEADER, r.clientRegion);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const body = hasBody ? await request.arrayBuffer() : undefined;
    const call: FabricCall = { method: request.method, url: request.url, pop: r.pop.region, status: 0, delayMs: 0 };
    try {
      const res = await inner(new Request(dest, { method: request.method, headers, body, redirect: request.redirect }));
      call.pop = res.headers.get('x-gdn-region') ?? call.pop;
      call.status = res.status;
      call.delayMs = Number(res.headers.get(CLIENT_DELAY_HEADER) ?? 0) || 0;
      return res;
    } finally {
      onCall(call);
    }
  };
}
