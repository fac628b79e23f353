export { Replicator, type ReplicationStatus, type IncomingStatus, type ReplicatorOptions } from './replicator.js';
export type { OutgoingStatus, LinkState } from './sender.js';
export { DEFAULT_LINK_SETTINGS, LINK_LIMITS, linkSettingsProblem, type LinkSettings } from './link-settings.js';
export { PROTOCOL_VERSION, REPLICATION_PATH } from './protocol.js';
export { LAG_BUCKETS_MS } from './stats.js';
export type { Connection, Transport } from './transport.js';
export { WsTransport } from './ws-transport.js';
export { MemoryNetwork, type NetworkEvent } from './memory-transport.js';
export { proofMatches, randomNonce } from './handshake.js';
