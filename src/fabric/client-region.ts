import type { Topology } from '../topology/index.js';

/** The run-wide client region of the global URL must be a region of the topology. */
export function checkClientRegion(topology: Topology, clientRegion: string | undefined): void {
  if (clientRegion !== undefined && !topology.regions.some((r) => r.name === clientRegion)) {
    throw new RangeError(`unknown client region '${clientRegion}'; known: ${topology.regions.map((r) => r.name).join(', ')}`);
  }
}
