import type { FastifyInstance } from 'fastify';
import { FabricClock } from '../core/clock.js';
import { fabricControl } from '../control/fabric-control.js';
import type { GlobalRouting } from '../control/route-table.js';
import { buildControlApp } from '../control/server.js';
import { dialAddress } from '../tls/index.js';
import { resolveAllowedHosts } from '../api/host-guard.js';
import { createRegion, DEFAULT_BODY_LIMIT, type Region } from '../region/region.js';
import type { DatacenterInfo } from '../topology/index.js';
import { checkClientRegion } from './client-region.js';
import { fabricSurface } from './surface.js';
import type { Fabric } from './types.js';
import type { CheckedFabricOptions } from './options.js';
import { localAgent } from './local-agent.js';
import { httpsMaterial, httpsPlan, openFrontDoor, type OpenDoor } from './https.js';
import { fabricSecret } from './secret.js';
import { devCredentials } from '../auth/index.js';

/** A fabric whose PoPs run in this thread, with their internals in reach (tests and benchmarks). */
export interface LocalFabric extends Fabric {
  readonly regions: readonly Region[];
  region(name: string): Region;
  /** The app of the global port (control and geo-routing). */
  readonly globalApp: FastifyInstance;
}

/** startFabric, keeping the regions' internals (storage, replicator, app) in reach. */
export async function launchFabric(opts: CheckedFabricOptions): Promise<LocalFabric> {
  const host = opts.host ?? '127.0.0.1';
  const { topology } = opts;
  checkClientRegion(topology, opts.clientRegion);
  const clock = opts.clock ?? new FabricClock();
  const secret = opts.secret ?? fabricSecret(opts.dataDir);
  // Resolved once here too, so a bad dev key in regions.yaml or the environment fails the start.
  const credentials = devCredentials(topology.dev, secret);
  const auth = opts.auth !== false;
  const allowedHosts = resolveAllowedHosts(host, opts.allowedHosts);
  const plan = httpsPlan(topology, opts.https, opts.dataDir);
  const tls = plan && httpsMaterial(plan, topology, clock);
  let door: OpenDoor | undefined;
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
        httpsPort: () => door?.info.port,
        clock,
        secret,
        allowedHosts,
        auth,
        ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
        ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
        ...(opts.warn !== undefined ? { warn: opts.warn } : {}),
      }),
    );
  }
  const control = fabricControl(
    regions.map((r) => localAgent(r, clock)),
    clock,
  );
  const routing: GlobalRouting = {
    topology,
    clientRegion: opts.clientRegion,
    allowedHosts,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    targets: () => regions.map((r) => ({ name: r.name, url: r.url(), live: r.listening(), server: () => r.app.server })),
  };
  const server: FastifyInstance = buildControlApp(control, routing, { https: () => door?.info });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await door?.door.close();
    await server.close();
    await control.close();
    clock.stop();
  };
  try {
    await control.start();
    await server.listen({ host, port: topology.global.port });
    if (plan && tls) door = await openFrontDoor({ host, port: plan.port, tls, routing, controlUrl: () => `http://${dialAddress(host)}:${globalPort()}` });
  } catch (e) {
    await close();
    throw e;
  }
  const globalPort = () => (server.server.address() as { port: number }).port;
  const { start: _start, close: _close, ...verbs } = control;
  const globalUrl = () => `http://${host}:${globalPort()}`;
  return { ...fabricSurface({ verbs, topology, regions, https: door?.info, globalUrl, credentials, auth, close }), globalApp: server };
}
