import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import { GLOBAL_LABEL, LOCAL_DOMAIN } from '../core/gdn-hosts.js';
import type { GdnConnection } from './connection.js';
import { localhostLookup } from './lookup.js';

/** node:dns as the object net.connect reads `lookup` from at each call (ESM namespaces are frozen). */
const dns = createRequire(import.meta.url)('node:dns') as { lookup: LookupFunction };

/** tls.setDefaultCACertificates and getCACertificates exist from Node 22.19 / 24.5 on. */
type TlsDefaults = { setDefaultCACertificates?: (certs: string[]) => void; getCACertificates?: (kind: 'default') => string[] };

/** Whether a connection with Node's default trust store, as `new WebSocket(url)` makes, accepts the front door. */
function trustedByDefault(conn: GdnConnection): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: conn.address, port: conn.port, servername: `${GLOBAL_LABEL}.${LOCAL_DOMAIN}`, rejectUnauthorized: false }, () => {
      resolve(socket.authorized);
      socket.end();
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Makes plain `https`/`wss` connections of this process reach the fabric, for clients that take no
 * options: jsC8 opens its stream WebSockets with `new WebSocket(url)` (spec/gdn-api.md §11.1). Two
 * process-wide changes, both undone by the function returned:
 * - `dns.lookup` sends `localhost` and `*.localhost` to the front door (RFC 6761 loopback names;
 *   every other name resolves as before);
 * - the fabric's CA joins Node's default trust store, where Node can add one to a running process
 *   (22.19+, 24.5+). The CA is name-constrained to `localhost` and loopback addresses, so trusting
 *   it vouches for nothing else. On older Node, start the process with NODE_EXTRA_CA_CERTS=<caFile>;
 *   this call then checks that the CA is trusted and says exactly that when it is not.
 */
export async function trustFabricProcessWide(conn: GdnConnection): Promise<() => void> {
  const original = dns.lookup;
  dns.lookup = localhostLookup(conn.address, original);
  const t = tls as unknown as TlsDefaults;
  let previous: string[] | undefined;
  if (t.setDefaultCACertificates && t.getCACertificates) {
    previous = t.getCACertificates('default');
    if (!previous.includes(conn.ca)) t.setDefaultCACertificates([...previous, conn.ca]);
  }
  const undo = () => {
    if (dns.lookup !== original) dns.lookup = original;
    if (previous && t.setDefaultCACertificates) t.setDefaultCACertificates(previous);
  };
  if (!(await trustedByDefault(conn))) {
    undo();
    const file = conn.caFile ?? '<a file holding GdnConnection.ca>';
    throw new Error(
      `Node ${process.version} cannot add a CA to a running process: start it with NODE_EXTRA_CA_CERTS=${file} (e.g. NODE_EXTRA_CA_CERTS=${file} node app.js), then call this again for the host names`,
    );
  }
  return undo;
}
