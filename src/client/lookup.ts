import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { LOCAL_DOMAIN } from '../core/gdn-hosts.js';

export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === LOCAL_DOMAIN || name.endsWith(`.${LOCAL_DOMAIN}`);
}

type Callback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` (net.connect, https.Agent, undici's connect) that sends `localhost` and every
 * `*.localhost` name to `address`, as RFC 6761 says they should, on systems whose resolver does not
 * (glibc without systemd-resolved, most containers); other names go to `fallback`. It honours
 * `options.all`, which Node asks for when it races IPv4 and IPv6 (autoSelectFamily).
 */
export function localhostLookup(address: string, fallback: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  const family = isIP(address) === 6 ? 6 : 4;
  return (hostname: string, options: LookupOptions, callback: Callback) => {
    if (!isLocalhostName(hostname)) return fallback(hostname, options, callback);
    process.nextTick(() => (options?.all ? callback(null, [{ address, family }]) : callback(null, address, family)));
  };
}
