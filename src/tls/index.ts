export { CA_FILE, loadTls, tlsCacheDir, type TlsMaterial } from './store.js';
export { dialAddress, type FabricHttps } from './types.js';
