import type { Fabric, FabricOptions } from './types.js';
import { launchFabric } from './local-fabric.js';

export type { Fabric, FabricOptions };

/** Creates every region of the topology and starts them listening, plus the global/control server. */
export function startFabric(opts: FabricOptions): Promise<Fabric> {
  return launchFabric(opts);
}
