export { frontDoorUrl, gdnConnection, jsc8Options, type GdnConnection, type GdnConnectionOptions, type HasHttps, type Jsc8Options } from './connection.js';
export { localhostLookup } from './lookup.js';
export { trustFabricProcessWide } from './process-trust.js';
