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
  /** The region `client` reaches (its own, or the one the global name leads to). */
  local: string;
  /** Another region of the fabric, and a jsc8 client there with the same key, to see what replicated. */
  remote: string;
  remoteConn: GdnConnection;
  remoteClient: Jsc8Client;
  /** A further jsc8 client at `region` (default the client's), with `apiKey` or, with null, no credentials; closed after the file. */
  make(opts?: { region?: string; apiKey?: string | null }): Promise<Jsc8Client>;
  /** Resolves once every link has delivered everything (the fabric's `wait` verb). */
  replicated(): Promise<void>;
}

/**
 * A fabric with its HTTPS front door for the test file, and the real jsc8@1.1.0 pointed at it
 * (at `region`, or the global URL) with the fabric's dev API key, which `conn.jsc8` carries, plus a
 * second client at another region; the test's raw HTTP and stream clients send the same key. All
 * closed when the file is done.
 *
 * The front door presents the CA the test workers trust (test/global-setup.ts), and the file's
 * process resolves `*.localhost` to it (trustFabricProcessWide, as README.md tells jsC8 users), so
 * jsC8's own option-less `new WebSocket('wss://api-<region>.localhost:…')` reaches it unchanged.
 */
export function useJsc8(region?: string): Jsc8Setup {
  const s = {} as Jsc8Setup;
  const extra: { client: Jsc8Client; conn: GdnConnection }[] = [];
  let untrust: (() => void) | undefined;
  beforeAll(async () => {
    const certDir = process.env[TRUSTED_CERT_DIR_ENV];
    if (!certDir) throw new Error(`${TRUSTED_CERT_DIR_ENV} is not set: run the tests through vitest (test/global-setup.ts)`);
    s.fabric = await startFabric({ topology: testTopology(), latency: false, https: { certDir } });
    s.conn = await gdnConnection(s.fabric, region === undefined ? {} : { region });
    untrust = await trustFabricProcessWide(s.conn);
    useCredentials(s.fabric, [s.conn.apiUrl]);
    s.client = new Jsc8({ ...s.conn.jsc8 });
    // The global name leads to the first region, where a client of the fabric is by default.
    s.local = region ?? s.fabric.topology.regions[0]!.name;
    s.remote = s.fabric.topology.regions.find((r) => r.name !== s.local)!.name;
    s.remoteConn = await gdnConnection(s.fabric, { region: s.remote });
    s.remoteClient = new Jsc8({ ...s.remoteConn.jsc8 });
    s.make = async (opts = {}) => {
      const conn = await gdnConnection(s.fabric, { region: opts.region ?? s.local, ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) });
      const { apiKey, ...bare } = conn.jsc8;
      const client = new Jsc8(opts.apiKey === null ? bare : { ...bare, apiKey: opts.apiKey ?? apiKey });
      extra.push({ client, conn });
      return client;
    };
    s.replicated = async () => {
      await s.fabric.waitForReplication({ timeoutMs: 30_000 });
    };
  }, 60_000);
  afterAll(async () => {
    untrust?.();
    for (const e of extra) {
      e.client.close();
      await e.conn.close();
    }
    s.client?.close();
    s.remoteClient?.close();
    await s.conn?.close();
    await s.remoteConn?.close();
    await s.fabric?.close();
  });
  return s;
}

/** What a rejected call threw (a C8Error for an error GDN answered), or fails when it resolved. */
export async function rejection(call: Promise<unknown>): Promise<{ name: string; errorNum: number; statusCode: number; code: number; message: string }> {
  const r = await call.then(
    (v) => ({ resolved: v }),
    (e: unknown) => ({ error: e }),
  );
  if ('resolved' in r) throw new Error(`expected the call to fail, it resolved to ${JSON.stringify(r.resolved)}`);
  return r.error as never;
}
