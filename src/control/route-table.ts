import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLIENT_REGION_HEADER } from '../api/context.js';
import type { AllowedHosts } from '../api/host-guard.js';
import { gdnError } from '../core/errors.js';
import { nearestRegion, type LatLon, type Topology } from '../topology/index.js';

/** A PoP the global URL can send requests to, as the fabric sees it right now. */
export interface RouteTarget {
  name: string;
  url: string;
  /** False while the PoP is killed, not yet started or closed. */
  live: boolean;
  /**
   * A PoP in this process: its HTTP server, which takes a forwarded request directly instead of over
   * a socket to its port (no second connection, no second HTTP parse).
   */
  server?: () => LocalServer;
  /**
   * The PoP's own TLS port with the front door's certificate (control/pop-door.ts), where the front
   * door passes the connections whose ClientHello names this PoP, undecrypted.
   */
  door?: { host: string; port: number } | undefined;
}

/** What a PoP's HTTP server is to the proxy: the listeners of its 'request' and 'upgrade' events. */
export interface LocalServer {
  emit(event: 'request', req: IncomingMessage, res: ServerResponse): boolean;
  emit(event: 'upgrade', req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

/** What a fabric hands the global server so that it can route: it never reaches into regions. */
export interface GlobalRouting {
  topology: Topology;
  /** Where a client that says nothing is (a region name); undefined means the first region. */
  clientRegion?: string | undefined;
  targets(): RouteTarget[];
  /** Host names the global port answers besides loopback ones. */
  allowedHosts: AllowedHosts;
  /** The PoPs' request body limit, which the forwarder applies before a body reaches a PoP. */
  bodyLimit: number;
}

/** The header the PoPs read too (api/context.ts): one name, one place. */
export const CLIENT_REGION = CLIENT_REGION_HEADER;
export const CLIENT_LOCATION = 'x-gdn-client-location';

/** Where a client is: a region of the topology, or a point on the map. */
export type ClientPlace = { region: string } | { location: LatLon };

export interface RouteDecision {
  /** The region the PoP charges latency from (x-gdn-client-region on the forwarded request). */
  clientRegion: string;
  target: RouteTarget;
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `lat,lon` in degrees, e.g. `48.85,2.35`. */
export function parseLocation(text: string, source = CLIENT_LOCATION): LatLon {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  const lat = Number(m?.[1]);
  const lon = Number(m?.[2]);
  if (!m || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw gdnError('BAD_PARAMETER', `${source} must be 'lat,lon' in degrees (lat -90..90, lon -180..180), got '${text}'`);
  }
  return { lat, lon };
}

/** The client's place from the request headers, else the run-wide default, else the first region. */
export function clientPlace(routing: GlobalRouting, headers: Record<string, string | string[] | undefined>): ClientPlace {
  const region = one(headers[CLIENT_REGION]);
  const location = one(headers[CLIENT_LOCATION]);
  if (region !== undefined && location !== undefined) {
    throw gdnError('BAD_PARAMETER', `send either ${CLIENT_REGION} or ${CLIENT_LOCATION}, not both`);
  }
  if (location !== undefined) return { location: parseLocation(location) };
  const name = region ?? routing.clientRegion ?? routing.topology.regions[0]?.name;
  if (name === undefined) throw gdnError('INTERNAL', `topology ${routing.topology.name} has no regions`);
  return { region: name };
}

/**
 * The live PoP nearest the client by great circle. A client at a region is as near as can be to
 * that region's PoP, so it goes there while it is up. A client given as a point is charged latency
 * as if it sat at the region nearest that point, since PoPs know latency only between regions.
 * Undefined when no PoP is up.
 */
export function decideRoute(routing: GlobalRouting, place: ClientPlace): RouteDecision | undefined {
  const { topology } = routing;
  let from: LatLon;
  let clientRegion: string;
  if ('region' in place) {
    const spec = topology.regions.find((r) => r.name === place.region);
    if (!spec) {
      throw gdnError('BAD_PARAMETER', `unknown client region '${place.region}' in ${CLIENT_REGION}; known: ${topology.regions.map((r) => r.name).join(', ')}`);
    }
    from = spec;
    clientRegion = spec.name;
  } else {
    from = place.location;
    clientRegion = nearestRegion(topology, from).name;
  }
  const live = new Map(routing.targets().filter((t) => t.live).map((t) => [t.name, t]));
  const candidates = topology.regions.filter((r) => live.has(r.name));
  if (candidates.length === 0) return undefined;
  const nearest = nearestRegion({ ...topology, regions: candidates }, from);
  return { clientRegion, target: live.get(nearest.name)! };
}
