/**
 * Where to reach a PoP bound to `host`: a wildcard bind (`--host 0.0.0.0` in a container) is no
 * destination, and the PoP answers its loopback address there (any other Host it refuses); an IPv6
 * address goes in brackets.
 */
export function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
