/** The public API of fabric-emu: cli/ and testing/ use only what this file exports. */
export { startFabric, type Fabric, type FabricOptions } from './fabric/fabric.js';
export { createRegion, type Region, type RegionOptions } from './region/region.js';
export {
  defaultTopology,
  loadTopologyFile,
  presetTopology,
  parseTopology,
  PRESETS,
  TopologyError,
  type Topology,
  type RegionSpec,
  type LinkProfile,
} from './topology/index.js';
export { VERSION } from './core/version.js';
export { GdnError, ERRORS } from './core/errors.js';
