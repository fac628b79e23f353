export const CLIENT_REGION_HEADER = 'x-gdn-client-region';

type Fetch = typeof fetch;

/**
 * The fetch a handler sees: requests to the fabric (its PoPs and global URL) say where the handler
 * runs, so the PoP charges the handler↔PoP round trip; requests anywhere else are left alone.
 */
export function withClientRegion(inner: Fetch, clientRegion: string, fabricOrigins: Iterable<string>): Fetch {
  const origins = new Set(fabricOrigins);
  return (input, init) => {
    const url = input instanceof Request ? input.url : input instanceof URL ? input.href : String(input);
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return inner(input, init);
    }
    if (!origins.has(origin)) return inner(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has(CLIENT_REGION_HEADER)) headers.set(CLIENT_REGION_HEADER, clientRegion);
    return inner(input, { ...init, headers });
  };
}
