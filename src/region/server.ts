import type { RegionServer, RegionServerOptions } from './handle.js';
import { createRegion } from './region.js';

/** Creates one PoP and starts it listening (and, unless held, replicating with its peers). */
export async function startRegion(opts: RegionServerOptions): Promise<RegionServer> {
  const { holdReplication, httpsPort, ...rest } = opts;
  // A child PoP runs long queries and index builds off its loop, like a PoP thread of startFabric().
  const r = createRegion({ ...rest, offload: true, ...(httpsPort !== undefined ? { httpsPort: () => httpsPort } : {}) });
  await r.listen({ replicate: !holdReplication });
  return {
    name: r.name,
    spec: r.spec,
    state: () => r.state(),
    port: () => r.port(),
    url: () => r.url(),
    listening: () => r.listening(),
    close: () => r.close(),
  };
}
