import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { certificateNames } from '../core/gdn-hosts.js';
import { FrontDoor } from '../control/front-door.js';
import type { GlobalRouting } from '../control/route-table.js';
import { dialAddress, loadTls, type FabricHttps, type TlsMaterial } from '../tls/index.js';
import type { Topology } from '../topology/index.js';
import type { HttpsOption } from './types.js';


export interface HttpsPlan {
  port: number;
  certDir: string | undefined;
}

/**
 * Whether a fabric runs the HTTPS front door, on which port, keeping its certificate where. Unless
 * told, it runs when the topology has `https`; its certificate lives in `<dataDir>/tls`, or in
 * memory for an in-memory fabric.
 */
export function httpsPlan(topology: Topology, option: HttpsOption | undefined, dataDir: string | undefined): HttpsPlan | undefined {
  if (option === false || (option === undefined && topology.https === undefined)) return undefined;
  const o = typeof option === 'object' ? option : {};
  return {
    port: o.port ?? topology.https?.port ?? 0,
    certDir: o.certDir ?? (dataDir === undefined ? undefined : join(dataDir, 'tls')),
  };
}

export function httpsMaterial(plan: HttpsPlan, topology: Topology, clock: Clock): TlsMaterial {
  return loadTls({ dir: plan.certDir, names: certificateNames(topology.regions.map((r) => r.name)), now: clock.now() });
}

/** A listening front door and what clients need to know of it. */
export interface OpenDoor {
  door: FrontDoor;
  info: FabricHttps;
}

export async function openFrontDoor(o: { host: string; port: number; tls: TlsMaterial; routing: GlobalRouting; controlUrl: () => string }): Promise<OpenDoor> {
  const door = new FrontDoor({ routing: o.routing, controlUrl: o.controlUrl, tls: o.tls });
  const port = await door.listen(o.host, o.port);
  return { door, info: { port, address: dialAddress(o.host), ca: o.tls.ca, caFile: o.tls.caFile, made: o.tls.made } };
}
