import type { Topology } from '../index.js';

/** Where the image looks for regions.yaml (its working directory). */
export const IMAGE_TOPOLOGY_PATH = '/home/node/regions.yaml';
/** Where a PoP keeps its replica in the container, so that a restarted container has its data. */
export const IMAGE_DATA_DIR = '/home/node/data';

/** How a generated deployment names its topology to each PoP: nothing for the embedded default, a preset, or a mounted file. */
export type TopologyRef = { kind: 'default' } | { kind: 'preset'; name: string } | { kind: 'file'; path: string };

/** A region's port in a deployment: the topology's, or by default GDN's own 8529 where each PoP has a host of its own (Kubernetes). */
export type PortOf = (r: Topology['regions'][number]) => number;
export const topologyPort: PortOf = (r) => r.port;
export const K8S_DEFAULT_PORT = 8529;

/** The arguments of one PoP's `fabric-emu region` in a container, its peers by service name. */
export function popArgs(topology: Topology, name: string, ref: TopologyRef, port: PortOf = topologyPort): string[] {
  const self = topology.regions.find((r) => r.name === name)!;
  return [
    'region',
    name,
    '--host',
    '0.0.0.0',
    ...(port(self) !== self.port ? ['--port', String(port(self))] : []),
    '--data-dir',
    IMAGE_DATA_DIR,
    ...(ref.kind === 'preset' ? ['--preset', ref.name] : ref.kind === 'file' ? ['--config', IMAGE_TOPOLOGY_PATH] : []),
    ...topology.regions.filter((r) => r.name !== name).flatMap((r) => ['--peer', `${r.name}=${r.name}:${port(r)}`]),
  ];
}

/** Every PoP of a deployment needs a fixed port: peers and clients find it there. */
export function fixedPortProblem(topology: Topology): string | undefined {
  const zero = topology.regions.filter((r) => r.port === 0).map((r) => r.name);
  return zero.length > 0 ? `every region needs a fixed port in a deployment (port 0 at: ${zero.join(', ')})` : undefined;
}
