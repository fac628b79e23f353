import { randomBytes } from 'node:crypto';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import type { Topology } from '../index.js';
import { allowedHosts, DEFAULT_IMAGE, resolveOptions, TOPOLOGY_PATH, type FabricCredentials, type FabricEmuOptions } from './options.js';

export interface FabricNetworkOptions extends FabricEmuOptions {
  image?: string;
}

export interface StartedFabricNetwork extends AsyncDisposable {
  readonly network: StartedNetwork;
  /** Region name -> its container, reachable from the others by the region's name. */
  readonly containers: Readonly<Record<string, StartedTestContainer>>;
  readonly topology: Topology;
  readonly credentials: FabricCredentials;
  /** A region's plain HTTP URL, as mapped to this machine (PoPs run alone have no HTTPS front door). */
  regionUrl(name: string): string;
  /** Stops every container, then removes the network. */
  stop(): Promise<void>;
}

/**
 * One container per region (`fabric-emu region NAME`) on a Docker network of their own: each PoP
 * reaches its peers by their region names, all share one fresh fabric secret and the credentials,
 * and each is started once its own health check passes.
 */
export async function startFabricNetwork(o: FabricNetworkOptions = {}): Promise<StartedFabricNetwork> {
  const r = resolveOptions(o);
  const names = r.topology.regions.map((x) => x.name);
  const network = await new Network().start();
  const env = { ...r.env, FABRIC_EMU_SECRET: randomBytes(24).toString('hex'), FABRIC_EMU_ALLOWED_HOSTS: await allowedHosts(names) };
  const started = await Promise.allSettled(
    r.topology.regions.map((region) => {
      const c = new GenericContainer(o.image ?? DEFAULT_IMAGE)
        .withNetwork(network)
        .withNetworkAliases(region.name)
        .withEnvironment({ ...env, FABRIC_EMU_HEALTH_URL: `http://127.0.0.1:${region.port}/_emu/health` })
        .withExposedPorts(region.port)
        .withCommand([
          'region',
          region.name,
          '--host',
          '0.0.0.0',
          '--ephemeral',
          ...r.topology.regions.filter((p) => p.name !== region.name).flatMap((p) => ['--peer', `${p.name}=${p.name}:${p.port}`]),
          ...r.flags,
        ])
        // The PoP's own /_emu/health, through the image's health check: up once its links are.
        .withWaitStrategy(Wait.forHealthCheck());
      if (r.file !== undefined) c.withCopyContentToContainer([{ content: r.file, target: TOPOLOGY_PATH }]);
      return c.start();
    }),
  );
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(up.map((c) => c.stop()));
    await network.stop();
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const containers = Object.fromEntries(names.map((n, i) => [n, up[i]!]));
  return {
    network,
    containers,
    topology: r.topology,
    credentials: r.credentials,
    regionUrl(name) {
      const c = containers[name];
      const spec = r.topology.regions.find((x) => x.name === name);
      if (!c || !spec) throw new Error(`no region '${name}'; known: ${names.join(', ')}`);
      return `http://${c.getHost()}:${c.getMappedPort(spec.port)}`;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
