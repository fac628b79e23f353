/**
 * `fabric-emu/testcontainers`: the fabric in Docker containers for tests, with testcontainers (an
 * optional peer dependency). See docs/containers.md.
 */
export { FabricEmuContainer, StartedFabricEmuContainer } from './fabric-container.js';
export { startFabricNetwork, type FabricNetworkOptions, type StartedFabricNetwork } from './fabric-network.js';
export { DEFAULT_IMAGE, type FabricCredentials, type FabricEmuOptions } from './options.js';
