/* The public types of a fabric, kept free of any PoP internals (see region/handle.ts). */
import type { DevCredentials } from '../auth/credentials.js';
import type { Jsc8Options } from '../client/index.js';
import type { FabricClock } from '../core/clock.js';
import type { FabricControl, LinkChange } from '../control/types.js';
import type { RegionHandle } from '../region/handle.js';
import type { FabricHttps } from '../tls/index.js';
import type { Topology } from '../topology/index.js';

/** FabricOptions.https: on or off, or on with a port (0 = any free one) and where the certificate is kept. */
export type HttpsOption = boolean | { port?: number; certDir?: string };

/** FabricOptions.ports: any free port for every server (the default), or the ports the topology names. */
export type PortsOption = 'free' | 'topology';

export interface FabricOptions {
  /** The regions and their latency; default the embedded four PoPs of regions.yaml (`defaultTopology()`). */
  topology?: Topology;
  /**
   * `'free'` (default): every PoP, the global port and the front door take a free port, so that
   * fabrics in parallel test files never collide; `'topology'`: the topology's ports (what `up` does).
   */
  ports?: PortsOption;
  /** Folder holding one SQLite file per region; undefined keeps every replica in memory. */
  dataDir?: string | undefined;
  latency?: boolean;
  host?: string;
  bodyLimit?: number;
  /** Log every request of every PoP (Fastify's logger) to stdout. */
  logger?: boolean;
  warn?: (msg: string) => void;
  /** Where a client of the global URL is when its request does not say (a region name); default the first region. */
  clientRegion?: string | undefined;
  /** The fabric's clock; by default real time, advanced or frozen through `fabric.clock()`. */
  clock?: FabricClock;
  /**
   * The secret the PoPs prove to each other before they replicate (at least 16 characters). By
   * default FABRIC_EMU_SECRET, else the one kept in the data dir, else a fresh one.
   */
  secret?: string;
  /**
   * Host names (or `.suffix` patterns) the PoPs and the global port answer besides loopback names
   * and addresses; `true` answers any. By default FABRIC_EMU_ALLOWED_HOSTS and the bound host.
   */
  allowedHosts?: true | readonly string[];
  /**
   * false turns authentication off, for throw-away runs: every request then acts as the dev user.
   * Default true: every GDN route needs `Authorization: bearer <jwt>` or `apikey <key>`.
   */
  auth?: boolean;
  /**
   * Worker threads the PoPs of `startFabric()` run on: one per PoP up to this many, PoPs sharing
   * threads beyond it (default: the machine's cores, at least 4 and at most 8). `launchFabric`
   * ignores it (every PoP in the caller's thread).
   */
  threads?: number;
  /**
   * The HTTPS front door (`api-<region>.localhost`, `api-gdn.localhost`): `false` for none, `true` or
   * `{ port, certDir }` for one (port 0 = any free one; default the topology's `https.port`, else 0).
   * Without this option it runs when the topology has `https`. Its certificate is kept in `certDir`,
   * by default `<dataDir>/tls`, and in memory for an in-memory fabric.
   */
  https?: HttpsOption;
  /**
   * A snapshot file (fabric.saveSnapshot, `fabric-emu snapshot save`) to start from: every PoP's
   * data and the clock are the snapshot's before the fabric answers its first request. The file must
   * be of the same regions; a damaged one fails the start.
   */
  fromSnapshot?: string;
}

/** Where one region (or the global URL) answers: its plain port, and its name on the HTTPS front door. */
export interface EndpointUrls {
  /** `http://127.0.0.1:<port>` */
  readonly http: string;
  /** `https://api-<region>.localhost:<door>` (`api-gdn` for the global URL); undefined without a front door. */
  readonly https: string | undefined;
}

export interface FabricUrls {
  readonly global: EndpointUrls;
  /** By region name, in the topology's order. */
  readonly regions: Readonly<Record<string, EndpointUrls>>;
}

/** A running fabric: every PoP, their replication links and the control verbs of FabricControl. */
export interface Fabric extends FabricControl, AsyncDisposable {
  readonly topology: Topology;
  readonly regions: readonly RegionHandle[];
  region(name: string): RegionHandle;
  /** The HTTPS front door's port and the CA its clients trust; undefined when the fabric runs none. */
  readonly https: FabricHttps | undefined;
  /** The global URL: emulator control under /_emu, every other request routed to the nearest live PoP. */
  globalUrl(): string;
  /** The dev credentials: tenant, user, email, password and an API key, valid at every PoP. */
  readonly credentials: DevCredentials;
  /** Whether requests need credentials (false with `auth: false`). */
  readonly auth: boolean;
  /** Every region's URLs and the global ones, plain and over the front door. */
  readonly urls: FabricUrls;
  /**
   * jsC8's options for the front door (`new jsc8({ ...fabric.jsc8() })`): the global name, or one
   * region's; they carry the dev API key unless auth is off. Throws when the fabric runs no front door.
   */
  jsc8(region?: string): Jsc8Options;
  /** setLink under its CLI name: `fabric.link('a', 'b', { rttMs: 400 })`. */
  link(from: string, to: string, change: LinkChange, opts?: { bidirectional?: boolean }): Promise<void>;
  /** waitForReplication under its CLI name. */
  wait(opts?: { timeoutMs?: number }): Promise<{ skipped: string[] }>;
  /** Stops every PoP and the global port; safe to call twice. `await using fabric = await startFabric()` calls it. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
