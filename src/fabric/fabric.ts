import type { Fabric, FabricOptions } from './types.js';
import { parseFabricOptions } from './options.js';
import { startThreadFabric } from './thread-fabric.js';

export type { Fabric, FabricOptions };

/**
 * Creates every region of the topology and starts them listening, plus the global/control server.
 * Each PoP runs on an event loop of its own (a worker thread); `launchFabric` keeps them in this
 * thread, with their internals in reach, for tests and benchmarks that need them. The options are
 * checked first (FabricOptionsError), a hand-built topology with the rules of regions.yaml. With no
 * options it is the default topology, in memory, on free ports, with its HTTPS front door.
 */
export async function startFabric(opts: FabricOptions = {}): Promise<Fabric> {
  return startThreadFabric(parseFabricOptions(opts));
}
