import type { Fabric, FabricOptions } from './types.js';
import { launchFabric } from './local-fabric.js';
import { parseFabricOptions } from './options.js';

export type { Fabric, FabricOptions };

/**
 * Creates every region of the topology and starts them listening, plus the global/control server.
 * The options are checked first (FabricOptionsError), a hand-built topology with the rules of regions.yaml.
 */
export async function startFabric(opts: FabricOptions): Promise<Fabric> {
  return launchFabric(parseFabricOptions(opts));
}
