import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import { gdnConnection, startFabric, trustFabricProcessWide, type Fabric, type GdnConnection } from '../../src/index.js';
import { TRUSTED_CERT_DIR_ENV } from '../global-setup.js';
import { useCredentials } from './http.js';
import { testTopology } from './topology.js';

// jsC8 ships no types, and the tests call it exactly as untyped app code does.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Jsc8Client = any;
const require = createRequire(import.meta.url);
export const Jsc8 = require('jsc8') as new (config: object) => Jsc8Client;

export interface Jsc8Setup {
  fabric: Fabric;
  conn: GdnConnection;
  client: Jsc8Client;
}

/**
 * A fabric with its HTTPS front door for the test file, and the real jsc8@1.1.0 pointed at it
 * (at `region`, or the global URL) with the fabric's dev API key, which `conn.jsc8` carries; the
 * test's raw HTTP and stream clients send the same key. All closed when the file is done.
 *
 * The front door presents the CA the test workers trust (test/global-setup.ts), and the file's
 * process resolves `*.localhost` to it (trustFabricProcessWide, as README.md tells jsC8 users), so
 * jsC8's own option-less `new WebSocket('wss://api-<region>.localhost:…')` reaches it unchanged.
 */
export function useJsc8(region?: string): Jsc8Setup {
  const s = {} as Jsc8Setup;
  let untrust: (() => void) | undefined;
  beforeAll(async () => {
    const certDir = process.env[TRUSTED_CERT_DIR_ENV];
    if (!certDir) throw new Error(`${TRUSTED_CERT_DIR_ENV} is not set: run the tests through vitest (test/global-setup.ts)`);
    s.fabric = await startFabric({ topology: testTopology(), latency: false, https: { certDir } });
    s.conn = await gdnConnection(s.fabric, region === undefined ? {} : { region });
    untrust = await trustFabricProcessWide(s.conn);
    useCredentials(s.fabric, [s.conn.apiUrl]);
    s.client = new Jsc8({ ...s.conn.jsc8 });
  }, 60_000);
  afterAll(async () => {
    untrust?.();
    s.client?.close();
    await s.conn?.close();
    await s.fabric?.close();
  });
  return s;
}
