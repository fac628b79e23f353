/** The public API of fabric-emu: cli/ and testing/ use only what this file exports. */
export { startFabric, type Fabric, type FabricOptions } from './fabric/fabric.js';
export { FabricOptionsError } from './fabric/options.js';
export { isolateFabric } from './fabric/isolate.js';
export type { EndpointUrls, FabricUrls, PortsOption } from './fabric/types.js';
export { startProcessFabric, type ProcessFabric, type ProcessFabricOptions } from './fabric/process-fabric.js';
export { startRegion } from './region/server.js';
export { existingFabricSecret, fabricSecret, SECRET_ENV } from './fabric/secret.js';
export { popStatus } from './control/pop-status.js';
// From credentials.js itself: auth/index.js would bring storage's better-sqlite3 types into the package's .d.ts.
export { CredentialsError, DEV_ENV, devCredentials, type DevCredentials } from './auth/credentials.js';
export { allowedHostsFromEnv, type AllowedHosts } from './api/host-guard.js';
export type { RegionHandle, RegionServer, RegionServerOptions, RegionState } from './region/handle.js';
export {
  gdnConnection,
  localhostLookup,
  trustFabricProcessWide,
  type GdnConnection,
  type GdnConnectionOptions,
  type HasHttps,
  type Jsc8Options,
} from './client/index.js';
export { CA_FILE, tlsCacheDir, type FabricHttps } from './tls/index.js';
export type { HttpsOption } from './fabric/types.js';
export type { FabricControl, FabricStatus, LinkStatus, LinkChange, VerbResult, ClockAction } from './control/types.js';
export {
  defaultTopology,
  loadTopologyFile,
  presetTopology,
  parseTopology,
  PRESETS,
  DEFAULT_PRESET,
  TopologyError,
  type Topology,
  type DatacenterInfo,
  type RegionSpec,
  type LinkProfile,
  type TenantSpec,
  type UserSpec,
  type DevSpec,
} from './topology/index.js';
export { VERSION } from './core/version.js';
export { FabricClock, ManualClock, type Clock, type ClockState, type Timer } from './core/clock.js';
export { parseDuration } from './core/duration.js';
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
  DEFAULT_GDN_HOSTS,
  DEFAULT_TIMEOUT_MS,
  EdgeFabricError,
  HandlerError,
  invokeHandler,
  LAMBDA_TRIGGERS,
  RUNTIMES,
  startDevServer,
  type DevOptions,
  type DevServer,
  type EdgeLocation,
  type FabricCall,
  type FunctionOptions,
  type InvokeOptions,
  type InvokeResult,
  type InvokeRun,
  type LambdaTrigger,
  type Placement,
  type RuntimeKind,
} from './edge/index.js';
