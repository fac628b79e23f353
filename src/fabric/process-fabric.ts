import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveAllowedHosts } from '../api/host-guard.js';
import { FabricClock } from '../core/clock.js';
import { fabricControl } from '../control/fabric-control.js';
import type { GlobalRouting } from '../control/route-table.js';
import { buildControlApp } from '../control/server.js';
import { dialAddress, type FabricHttps } from '../tls/index.js';
import type { FabricControl } from '../control/types.js';
import { DEFAULT_BODY_LIMIT } from '../region/region.js';
import type { Topology } from '../topology/index.js';
import { ChildRegion } from './child-region.js';
import { checkClientRegion } from './client-region.js';
import { freePort } from './ports.js';
import { httpsMaterial, httpsPlan, openFrontDoor, type OpenDoor } from './https.js';
import { fabricSecret } from './secret.js';
import { devCredentials, type DevCredentials } from '../auth/credentials.js';
import type { HttpsOption } from './types.js';

export interface ProcessFabricOptions {
  topology: Topology;
  /** Required: a killed process keeps its data only on disk. */
  dataDir: string;
  latency?: boolean;
  host?: string;
  log?: (line: string) => void;
  /** Where a client of the global URL is when its request does not say (a region name); default the first region. */
  clientRegion?: string | undefined;
  /** As FabricOptions.allowedHosts; the children get the same list. */
  allowedHosts?: true | readonly string[];
  /** As FabricOptions.auth. */
  auth?: boolean;
  /** As FabricOptions.https; the front door runs here, in the parent. */
  https?: HttpsOption;
  /** As FabricOptions.fromSnapshot. */
  fromSnapshot?: string;
}

export interface ProcessFabric extends FabricControl {
  readonly topology: Topology;
  readonly credentials: DevCredentials;
  readonly auth: boolean;
  /** As Fabric.https. */
  readonly https: FabricHttps | undefined;
  regionUrl(name: string): string;
  globalUrl(): string;
  close(): Promise<void>;
}

/**
 * Children read the parent's already-resolved topology from a file in the data dir, so they agree
 * with it exactly whatever it came from (a file, a preset, or an object built in code).
 */
function topologyArgs(t: Topology, dataDir: string): string[] {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'topology.json');
  writeFileSync(file, JSON.stringify(t));
  return ['--topology-json', file];
}

/**
 * `fabric-emu up --processes`: every PoP in its own child process on a port fixed up front, and
 * the control server here. The verbs are the same code as the in-process fabric's
 * (control/fabric-control.ts), over agents that reach each child by HTTP.
 */
export async function startProcessFabric(opts: ProcessFabricOptions): Promise<ProcessFabric> {
  const { topology } = opts;
  checkClientRegion(topology, opts.clientRegion);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => console.error(line));
  const ports: Record<string, number> = {};
  for (const r of topology.regions) ports[r.name] = r.port === 0 ? await freePort(host) : r.port;
  const clock = new FabricClock();
  const plan = httpsPlan(topology, opts.https, opts.dataDir);
  const tls = plan && httpsMaterial(plan, topology, clock);
  const args = topologyArgs(topology, opts.dataDir);
  // Made here before any child starts, so that all of them read the same one from the data dir.
  const secret = fabricSecret(opts.dataDir);
  const credentials = devCredentials(topology.dev, secret);
  const auth = opts.auth !== false;
  const allowedHosts = resolveAllowedHosts(host, opts.allowedHosts);
  const children: ChildRegion[] = [];
  const routing: GlobalRouting = {
    topology,
    clientRegion: opts.clientRegion,
    allowedHosts,
    bodyLimit: DEFAULT_BODY_LIMIT,
    targets: () => children.map((c) => ({ name: c.name, url: c.url(), live: c.state() === 'serving' })),
  };
  // Listening before any child starts: every child reports the port in /datacenter/*, and a port
  // bound here cannot be taken by anyone else while the children load, as a port picked ahead could.
  let controlPort = 0;
  const door: OpenDoor | undefined = tls && plan ? await openFrontDoor({ host, port: plan.port, tls, routing, controlUrl: () => `http://${dialAddress(host)}:${controlPort}` }) : undefined;
  const httpsPort = door?.info.port;
  for (const r of topology.regions) {
    children.push(new ChildRegion({ name: r.name, topologyArgs: args, dataDir: opts.dataDir, latency: opts.latency ?? true, host, ports, log, secret, allowedHosts, auth, httpsPort }));
  }
  const control = fabricControl(children, clock, { topology: topology.name });
  const server: FastifyInstance = buildControlApp(control, routing, { https: () => door?.info, snapshotKey: auth ? credentials.apiKey : undefined });
  const close = async () => {
    await door?.door.close();
    await server.close();
    await control.close();
    clock.stop();
  };
  try {
    await control.start();
    if (opts.fromSnapshot !== undefined) await control.loadSnapshot(opts.fromSnapshot);
    await server.listen({ host, port: topology.global.port });
    controlPort = (server.server.address() as { port: number }).port;
  } catch (e) {
    await close();
    throw e;
  }
  const { start: _start, close: _close, ...verbs } = control;
  const child = (name: string) => {
    const c = children.find((x) => x.name === name);
    if (!c) throw new RangeError(`unknown region '${name}'; known: ${children.map((x) => x.name).join(', ')}`);
    return c;
  };
  return {
    ...verbs,
    topology,
    https: door?.info,
    regionUrl: (name) => child(name).url(),
    globalUrl: () => `http://${host}:${controlPort}`,
    credentials,
    auth,
    close,
  };
}
