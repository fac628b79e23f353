import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from '../api/app.js';
import type { ApiContext, DatacenterInfo } from '../api/context.js';
import { gdnError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { VERSION } from '../core/version.js';
import { sampleRtt } from '../latency/sampler.js';
import { openStorage, type Storage } from '../storage/index.js';
import { linkProfile, type RegionSpec, type Topology } from '../topology/index.js';

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

export interface RegionOptions {
  topology: Topology;
  name: string;
  /** Folder for this region's SQLite file; undefined keeps it in memory. */
  dataDir: string | undefined;
  /** false turns every injected delay off (`--no-latency`). */
  latency: boolean;
  host: string;
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  /** All regions of the fabric with their bound ports; a lone region describes only itself. */
  datacenters?: () => DatacenterInfo[];
}

/** One PoP: its replica and its Fastify app, built but not yet listening. */
export interface Region {
  readonly name: string;
  readonly spec: RegionSpec;
  readonly app: FastifyInstance;
  readonly storage: Storage;
  /** The bound port once listening, else the configured one. */
  port(): number;
  url(): string;
  listening(): boolean;
  listen(): Promise<number>;
  close(): Promise<void>;
}

export function regionDatabasePath(dataDir: string | undefined, name: string): string | undefined {
  return dataDir === undefined ? undefined : join(dataDir, `${name}.sqlite`);
}

export function createRegion(opts: RegionOptions): Region {
  const { topology, name } = opts;
  const ordinal = topology.regions.findIndex((r) => r.name === name);
  const spec = topology.regions[ordinal];
  if (!spec) throw new Error(`region '${name}' is not in topology '${topology.name}'`);
  const storage = openStorage({ path: regionDatabasePath(opts.dataDir, name), region: name, regionOrdinal: ordinal });
  const rng = createRng(topology.seed).fork(`client:${name}`);
  let boundPort: number | undefined;

  const self = (): DatacenterInfo => ({ ...spec, host: opts.host, port: boundPort ?? spec.port });
  const ctx: ApiContext = {
    region: name,
    storage,
    version: VERSION,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    datacenters: () => opts.datacenters?.() ?? [self()],
    hasFabric: (f) => f === '_system',
    clientDelayMs: (client) => {
      if (!opts.latency) return 0;
      if (client === undefined || client === name) return sampleRtt(topology.access, rng);
      if (!topology.regions.some((r) => r.name === client)) {
        throw gdnError('BAD_PARAMETER', `unknown client region '${client}' in x-gdn-client-region; known: ${topology.regions.map((r) => r.name).join(', ')}`);
      }
      return sampleRtt(linkProfile(topology, client, name), rng);
    },
  };
  const app = buildApp(ctx, { logger: opts.logger });
  app.addHook('onClose', async () => storage.close());

  return {
    name,
    spec,
    app,
    storage,
    port: () => boundPort ?? spec.port,
    url: () => `http://${opts.host}:${boundPort ?? spec.port}`,
    listening: () => boundPort !== undefined && app.server.listening,
    async listen() {
      await app.listen({ host: opts.host, port: spec.port });
      const addr = app.server.address();
      boundPort = typeof addr === 'object' && addr ? addr.port : spec.port;
      return boundPort;
    },
    async close() {
      await app.close();
    },
  };
}
