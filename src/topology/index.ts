export type { DatacenterInfo, DevSpec, Distribution, LinkProfile, RegionSpec, TenantSpec, Topology, UserSpec } from './types.js';
export { TopologyError } from './errors.js';
export { parseTopology } from './parse.js';
export { DEFAULT_PRESET, PRESETS, defaultTopology, loadTopologyFile, presetTopology } from './load.js';
export { DEFAULT_REGIONS_YAML } from './default-regions.js';
export {
  DEFAULT_ACCESS_PROFILE,
  INTRA_REGION_PROFILE,
  derivedProfile,
  linkKey,
  linkProfile,
} from './profiles.js';
export {
  EARTH_RADIUS_KM,
  FIBRE_KM_PER_MS,
  OVERHEAD_MS,
  ROUTE_FACTOR,
  deriveRtt,
  greatCircleKm,
  nearestRegion,
  type LatLon,
} from './geo.js';
export { TopologyFileSchema, type TopologyFile } from './schema.js';
export { checkTopology, TopologySchema } from './check.js';
