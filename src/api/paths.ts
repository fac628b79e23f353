/**
 * Path normalisation (spec/gdn-api.md §1.2). Real clients send one resource under several paths:
 * with or without `/_tenant/{t}`, with or without `/_fabric/{f}`, with or without `/_api`, with a
 * trailing `/` or an empty `?`. Every form is rewritten to one canonical path before routing:
 * `/_fabric/{f}/{resource...}` for fabric-scoped resources and `/{resource...}` for the absolute ones.
 */
const ABSOLUTE = new Set(['datacenter', '_open', 'apid', '_emu', '_ws']);

export interface NormalizedUrl {
  url: string;
  tenant: string | undefined;
}

/** The tenant only labels a request; a malformed escape in it must not make the URL unroutable. */
function decodedOrRaw(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function normalizeUrl(raw: string): NormalizedUrl {
  const q = raw.indexOf('?');
  let path = q === -1 ? raw : raw.slice(0, q);
  const query = q === -1 ? '' : raw.slice(q + 1);
  path = path.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);

  let tenant: string | undefined;
  const t = /^\/_tenant\/([^/]+)(\/.*)?$/.exec(path);
  if (t) {
    tenant = decodedOrRaw(t[1] as string);
    path = t[2] ?? '/';
  }
  let fabric: string | undefined;
  const f = /^\/_fabric\/([^/]+)(\/.*)?$/.exec(path);
  if (f) {
    fabric = f[1];
    path = f[2] ?? '/';
  }
  if (path === '/_api') path = '/';
  else if (path.startsWith('/_api/')) path = path.slice('/_api'.length);

  const first = path.split('/')[1] ?? '';
  const canonical = ABSOLUTE.has(first) ? path : `/_fabric/${fabric ?? '_system'}${path === '/' ? '' : path}`;
  return { url: query ? `${canonical}?${query}` : canonical, tenant };
}

/** How many recent request URLs `canonicalUrl` remembers: clients call a few paths over and over. */
const CANONICAL_CACHE_SIZE = 1024;
/** Longer URLs (a long query string) are normalised each time, so the cache stays small. */
const CANONICAL_CACHE_URL_LENGTH = 256;
const recent = new Map<string, string>();

/** normalizeUrl(raw).url, remembered for recent URLs (the rewrite runs before every request is routed). */
export function canonicalUrl(raw: string): string {
  let url = recent.get(raw);
  if (url === undefined) {
    url = normalizeUrl(raw).url;
    if (raw.length > CANONICAL_CACHE_URL_LENGTH) return url;
    if (recent.size >= CANONICAL_CACHE_SIZE) recent.clear();
    recent.set(raw, url);
  }
  return url;
}
