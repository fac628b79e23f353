import type { AuthService, CollectionLevels } from '../auth/index.js';
import type { Clock } from '../core/clock.js';
import type { ExecuteResult, ExplainResult } from '../query/index.js';
import type { AllowedHosts } from './host-guard.js';
import type { IndexDef, IndexInput, Storage } from '../storage/index.js';
import type { StreamBroker } from '../streams/index.js';
import type { DatacenterInfo } from '../topology/index.js';

export type { DatacenterInfo };

export interface QueryRunOptions {
  fullCount?: boolean;
  /** Turn the first warning into an error (and roll every write of the query back). */
  failOnWarning?: boolean;
  maxWarningCount?: number;
  /** The plain fabric name the query runs in (CURRENT_DATABASE()); the storage key names the tenant too. */
  database?: string;
  /** The caller's level per collection: `none` hides it, `ro` refuses its writes. Absent: full access. */
  access?: CollectionLevels;
  /** Who runs it, as the query list shows it. */
  user?: string;
  /** Seconds the query may run (options.maxRuntime); absent or 0: the default limit. */
  maxRuntime?: number;
  /** Bytes the query may hold (options.memoryLimit); absent or 0: the default limit. */
  memoryLimit?: number;
}

/** A query as GET /_api/query/current and /_api/query/slow list it (ArangoDB's shape); `database` is the plain fabric name. */
export interface QueryListing {
  id: string;
  database: string;
  user: string;
  query: string;
  bindVars: Record<string, unknown>;
  started: string;
  runTime: number;
  peakMemoryUsage: number;
  state: 'executing' | 'finished' | 'killed';
  stream: boolean;
}

/** The PoP's running and slow queries, by the storage key `<tenant>/<fabric>` they ran in: a tenant sees only its own. */
export interface QueryList {
  current(fabric: string): QueryListing[];
  slow(fabric: string): QueryListing[];
  clearSlow(fabric: string): void;
  /** false when no query of that id runs in that fabric. */
  kill(fabric: string, id: string): boolean;
}

/** What a region tells its API: the API never reaches into the region or fabric directly. */
export interface ApiContext {
  /** The serving region's name, e.g. `gdn-us-east`. */
  readonly region: string;
  readonly storage: Storage;
  /** The PoP's stream broker; a restart after a kill builds a new one, as a crashed process would. */
  streams(): StreamBroker;
  /** The fabric's clock: client delay, cursor ttl and request ids read it. */
  readonly clock: Clock;
  readonly version: string;
  /** The Host names this PoP answers besides loopback ones (host-guard.ts). */
  readonly allowedHosts: AllowedHosts;
  /** Largest accepted request body in bytes; larger ones get 413. */
  readonly bodyLimit: number;
  /** Every region of the fabric, with the ports they are bound to now. */
  datacenters(): DatacenterInfo[];
  /** Users, keys, grants, fabrics and the tokens of this PoP. */
  readonly auth: AuthService;
  /**
   * The port of the fabric's HTTPS front door, which /datacenter/* tells clients to use; undefined
   * when the PoP runs without one (`fabric-emu region` alone).
   */
  httpsPort(): number | undefined;
  /** Runs a C8QL query against a fabric (`<tenant>/<fabric>`) of this PoP; a query that writes runs as one storage write. */
  runQuery(fabric: string, query: string, bindVars: Record<string, unknown> | undefined, opts?: QueryRunOptions): Promise<ExecuteResult>;
  readonly queries: QueryList;
  /**
   * Creates an index (storage.indexes.ensure as one write); over a large collection the build
   * runs off the PoP's loop, so the PoP keeps answering meanwhile.
   */
  createIndex(fabric: string, collection: string, input: IndexInput): Promise<{ def: IndexDef; created: boolean }>;
  explainQuery(fabric: string, query: string, bindVars: Record<string, unknown> | undefined, access?: CollectionLevels): ExplainResult;
  /**
   * The delay to inject before serving a request from a client at `clientRegion` (the
   * x-gdn-client-region header; undefined means the client sits next to this PoP).
   * Throws a GdnError for an unknown region.
   */
  clientDelayMs(clientRegion: string | undefined): number;
}

export const CLIENT_REGION_HEADER = 'x-gdn-client-region';
/** The client round trip a PoP charged a request, in ms (emulator-only). */
export const CLIENT_DELAY_HEADER = 'x-gdn-client-delay-ms';
