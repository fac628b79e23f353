/** The public API of fabric-emu: cli/ and testing/ use only what this file exports. */
export { startFabric, type Fabric, type FabricOptions } from './fabric/fabric.js';
export { FabricOptionsError } from './fabric/options.js';
export { startProcessFabric, type ProcessFabric, type ProcessFabricOptions } from './fabric/process-fabric.js';
export { createRegion, type Region, type RegionOptions } from './region/region.js';
export type { FabricControl, FabricStatus, LinkStatus, LinkChange } from './control/types.js';
export type { DatacenterInfo } from './api/context.js';
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
export {
  FixtureError,
  FixtureLoadError,
  loadFixture,
  readManifest,
  type Fixture,
  type LoadOptions,
  type LoadProgress,
  type LoadSummary,
  type Manifest,
} from './fixtures/index.js';
export {
  DEFAULT_TIMEOUT_MS,
  EdgeFabricError,
  HandlerError,
  invokeHandler,
  startDevServer,
  type DevOptions,
  type DevServer,
  type InvokeOptions,
  type InvokeResult,
} from './edge/index.js';
