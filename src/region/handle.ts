import type { DatacenterInfo, RegionSpec, Topology } from '../topology/index.js';

/*
 * The public face of a PoP. Kept apart from region.ts so that the published .d.ts files never reach
 * a PoP's internals (its SQLite database, replicator or Fastify app).
 */
export type RegionState = 'created' | 'serving' | 'killed' | 'closed';

/** What the public API shows of a PoP: where it is and what state it is in, not its internals. */
export interface RegionHandle {
  readonly name: string;
  readonly spec: RegionSpec;
  state(): RegionState;
  port(): number;
  url(): string;
  listening(): boolean;
}

export interface RegionServerOptions {
  topology: Topology;
  name: string;
  /** Folder for this region's SQLite file; undefined keeps it in memory. */
  dataDir: string | undefined;
  /** false turns every injected delay off (`--no-latency`). */
  latency: boolean;
  host: string;
  /** Overrides the topology's port. */
  port?: number;
  /** All regions of the fabric with their ports; by default the topology's ports. */
  datacenters?: () => DatacenterInfo[];
  /**
   * The port of the fabric's HTTPS front door, which /datacenter/* tells clients to use; without it
   * they are told this PoP's plain port and that there is no front door.
   */
  httpsPort?: number;
  /** The fabric's secret, shared by every PoP of the fabric. */
  secret: string;
  /** Host names the PoP answers besides loopback ones: a list, or true for any. */
  allowedHosts?: true | readonly string[];
  /** Serve but do not replicate until a parent process says so (`fabric-emu up --processes`). */
  holdReplication?: boolean;
  /** false: no credentials needed (`--no-auth`). */
  auth?: boolean;
}

/** A PoP serving on its own (`fabric-emu region NAME`), as the public API shows it. */
export interface RegionServer extends RegionHandle {
  close(): Promise<void>;
}
