/**
 * The host names of the HTTPS front door (spec/gdn-api.md §1.1): GDN gives every region an API host
 * `api-<region>.<domain>` and a console host `<region>.<domain>`, and the whole network a global pair
 * `api-gdn.<domain>` / `gdn.<domain>`. Locally the domain is `localhost`, which RFC 6761 reserves
 * for loopback.
 */
export const LOCAL_DOMAIN = 'localhost';
export const GLOBAL_LABEL = 'gdn';
export const API_PREFIX = 'api-';
export const LOOPBACK_IPS = ['127.0.0.1', '::1'] as const;

/**
 * Every DNS name the server certificate must list. `*.localhost` alone is not enough: OpenSSL (curl,
 * Node) and browsers refuse a wildcard directly under a top-level name, so each name is listed
 * exactly; the wildcard stays for clients that take it.
 */
export function certificateNames(regions: readonly string[]): string[] {
  const labels = [GLOBAL_LABEL, ...regions];
  return [LOCAL_DOMAIN, `*.${LOCAL_DOMAIN}`, ...labels.flatMap((l) => [`${l}.${LOCAL_DOMAIN}`, `${API_PREFIX}${l}.${LOCAL_DOMAIN}`])];
}

/** What a front-door host name asks for: the global URL, one region, or nothing the door knows. */
export type HostRoute = { kind: 'global' } | { kind: 'region'; region: string } | { kind: 'unknown' };

/**
 * `api-<region>.localhost` and `<region>.localhost` are that region, `api-gdn.localhost`,
 * `gdn.localhost` and the bare loopback names the global URL. `name` is a Host without port,
 * lower-cased (host-guard.ts hostName).
 */
export function routeOfHost(name: string, regions: readonly string[]): HostRoute {
  if (name === LOCAL_DOMAIN || (LOOPBACK_IPS as readonly string[]).includes(name)) return { kind: 'global' };
  const suffix = `.${LOCAL_DOMAIN}`;
  if (!name.endsWith(suffix)) return { kind: 'unknown' };
  const label = name.slice(0, -suffix.length);
  const bare = label.startsWith(API_PREFIX) ? label.slice(API_PREFIX.length) : label;
  if (bare === GLOBAL_LABEL) return { kind: 'global' };
  return regions.includes(bare) ? { kind: 'region', region: bare } : { kind: 'unknown' };
}
