/** How clients reach a running fabric over HTTPS: what the connection helper (src/client) needs. */
export interface FabricHttps {
  /** The front door's port. */
  readonly port: number;
  /** The address it listens on, where `*.localhost` names must lead (loopback unless bound elsewhere). */
  readonly address: string;
  /** The local CA's certificate (PEM) that signed the front door's certificate. */
  readonly ca: string;
  /** The file holding only that certificate; undefined when the certificate lives in memory. */
  readonly caFile: string | undefined;
  /** What this start made afresh and why (`server certificate (expired on ...)`); empty when all was kept. */
  readonly made: readonly string[];
}

/** The address a client dials for a server bound to `host`: a wildcard bind is reached on loopback. */
export function dialAddress(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}
