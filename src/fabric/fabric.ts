import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { DatacenterInfo } from '../api/context.js';
import { buildControlApp } from '../control/server.js';
import type { FabricControl } from '../control/types.js';
import { createRegion, type Region } from '../region/region.js';
import type { Topology } from '../topology/index.js';
import { checkClientRegion } from './client-region.js';
import { localControl } from './local-control.js';
import { FabricOptionsSchema, parseFabricOptions, type Same } from './options.js';

export interface FabricOptions {
  topology: Topology;
  /** Folder holding one SQLite file per region; undefined keeps every replica in memory. */
  dataDir?: string | undefined;
  latency?: boolean;
  host?: string;
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  warn?: (msg: string) => void;
  /** Where a client of the global URL is when its request does not say (a region name); default the first region. */
  clientRegion?: string | undefined;
}

/** Fails to compile when FabricOptions gains an option that startFabric() would refuse. */
const optionsChecked: Same<keyof FabricOptions, keyof typeof FabricOptionsSchema.shape> = true;
void optionsChecked;

/** A running fabric: every PoP, their replication links and the control verbs of FabricControl. */
export interface Fabric extends FabricControl {
  readonly topology: Topology;
  readonly regions: readonly Region[];
  region(name: string): Region;
  /** The global URL: emulator control under /_emu, every other request routed to the nearest live PoP. */
  globalUrl(): string;
  close(): Promise<void>;
}

/** Creates every region of the topology and starts them listening, plus the global/control server. */
export async function startFabric(options: FabricOptions): Promise<Fabric> {
  const opts = parseFabricOptions(options);
  const host = opts.host ?? '127.0.0.1';
  const { topology } = opts;
  checkClientRegion(topology, opts.clientRegion);
  const regions: Region[] = [];
  const datacenters = (): DatacenterInfo[] => regions.map((r) => ({ ...r.spec, host, port: r.port() }));
  for (const spec of topology.regions) {
    regions.push(
      createRegion({
        topology,
        name: spec.name,
        dataDir: opts.dataDir,
        latency: opts.latency ?? true,
        host,
        datacenters,
        ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
        ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
        ...(opts.warn !== undefined ? { warn: opts.warn } : {}),
      }),
    );
  }
  const control = localControl(regions);
  const server: FastifyInstance = buildControlApp(control, {
    topology,
    clientRegion: opts.clientRegion,
    targets: () => regions.map((r) => ({ name: r.name, url: r.url(), live: r.listening() })),
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
    await Promise.all(regions.map((r) => r.close()));
  };
  try {
    for (const r of regions) await r.listen({ replicate: false });
    for (const r of regions) r.replicator.start();
    await server.listen({ host, port: topology.global.port });
  } catch (e) {
    await close();
    throw e;
  }
  const globalPort = (server.server.address() as { port: number }).port;
  return {
    ...control,
    topology,
    regions,
    region(name) {
      const r = regions.find((x) => x.name === name);
      if (!r) throw new RangeError(`unknown region '${name}'; known: ${regions.map((x) => x.name).join(', ')}`);
      return r;
    },
    globalUrl: () => `http://${host}:${globalPort}`,
    close,
  };
}
