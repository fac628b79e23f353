import { isIP } from 'node:net';
import { gdnError, type GdnError } from '../core/errors.js';

/**
 * Which `Host` a PoP or the global port answers, and which `Origin` may change state. A web page can
 * make a browser send simple (CORS-less) POSTs to any port on the machine, and a DNS-rebound name
 * can make its requests look same-origin; checking Host defeats rebinding, checking Origin on
 * state-changing requests defeats cross-site writes. Requests without Origin (curl, SDKs, servers)
 * are not browsers' cross-site requests and pass.
 *
 * Allowed by default: loopback names (`localhost`, `*.localhost`) and loopback addresses. `true`
 * allows any host (a container on a private network); other names and addresses, such as the
 * address a fabric binds when it is not loopback, are added explicitly (`--allow-host`,
 * FABRIC_EMU_ALLOWED_HOSTS).
 */
export type AllowedHosts = true | readonly string[];

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The host name of a Host header or URL authority, without port and brackets, lower-cased. */
export function hostName(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']') === -1 ? undefined : a.indexOf(']'));
  const colon = a.lastIndexOf(':');
  return colon === -1 || a.indexOf(':') !== colon ? a : a.slice(0, colon);
}

function isLoopback(name: string): boolean {
  const kind = isIP(name);
  if (kind === 4) return name.startsWith('127.');
  return kind === 6 && (name === '::1' || name === '0:0:0:0:0:0:0:1');
}

export function hostAllowed(name: string, allowed: AllowedHosts): boolean {
  if (allowed === true) return true;
  if (name === 'localhost' || name.endsWith('.localhost') || isLoopback(name)) return true;
  return allowed.some((h) => {
    const x = h.toLowerCase();
    return x.startsWith('.') ? name === x.slice(1) || name.endsWith(x) : name === x;
  });
}

/** Why a request must be refused, or undefined when it may go on. */
export function guardProblem(method: string | undefined, headers: Record<string, string | string[] | undefined>, allowed: AllowedHosts): GdnError | undefined {
  const host = headers['host'];
  const name = typeof host === 'string' ? hostName(host) : '';
  if (!hostAllowed(name, allowed)) {
    return gdnError('FORBIDDEN', `host '${name}' is not allowed here (loopback names and IP addresses are; add others with --allow-host or FABRIC_EMU_ALLOWED_HOSTS)`);
  }
  const origin = headers['origin'];
  if (typeof origin === 'string' && STATE_CHANGING.has((method ?? 'GET').toUpperCase())) {
    let originHost: string | undefined;
    try {
      originHost = origin === 'null' ? undefined : hostName(new URL(origin).host);
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || !hostAllowed(originHost, allowed)) {
      return gdnError('FORBIDDEN', `a ${method} from the web page at '${origin}' is refused: only pages of loopback hosts or allowed hosts may change data here`);
    }
  }
  return undefined;
}

/** FABRIC_EMU_ALLOWED_HOSTS: `*` for any host, else a comma-separated list of names. */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env, extra: readonly string[] = []): AllowedHosts {
  const v = env['FABRIC_EMU_ALLOWED_HOSTS']?.trim();
  if (v === '*') return true;
  return [...(v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []), ...extra];
}

/**
 * What a fabric bound to `bindHost` answers: the given list (or, by default, the environment's),
 * plus the bound address itself when it is a specific one, so `--host 192.168.1.5` reaches itself.
 */
export function resolveAllowedHosts(bindHost: string, given: AllowedHosts | undefined, env: NodeJS.ProcessEnv = process.env): AllowedHosts {
  const base = given ?? allowedHostsFromEnv(env);
  if (base === true) return true;
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '';
  return wildcard || base.includes(bindHost) ? base : [...base, bindHost];
}
