import { randomBytes } from 'node:crypto';
import { getContainerRuntimeClient } from 'testcontainers';
import { defaultTopology, parseTopology, PRESETS, presetTopology, type Topology } from '../index.js';

/** The image the module runs unless told otherwise: `docker build -t fabric-emu .` in the repo makes it. */
export const DEFAULT_IMAGE = 'fabric-emu:latest';

/** Where the image looks for a regions.yaml (its working directory). */
export const TOPOLOGY_PATH = '/home/node/regions.yaml';

export interface FabricEmuOptions {
  /** A preset's name (`seed-4`, `global-25`) or a regions.yaml text; default the embedded seed-4. Ports must be fixed (not 0). */
  topology?: string;
  /** false: no injected delays (`--no-latency`). Default on. */
  latency?: boolean;
  /** false: no credentials needed (`--no-auth`). Default on. */
  auth?: boolean;
  /** The dev API key (`<tenant>.<keyid>.<secret>`); default a fresh one, unless the topology fixes it. */
  apiKey?: string;
  /** The dev user's password; default a fresh one, unless the topology fixes it. */
  password?: string;
}

export interface FabricCredentials {
  tenant: string;
  username: string;
  password: string;
  /** The key every request sends (`Authorization: apikey <key>`); undefined with `auth: false`. */
  apiKey: string | undefined;
}

/** What a container is told about the topology and credentials: files, flags and environment. */
export interface ResolvedOptions {
  topology: Topology;
  /** regions.yaml text to copy to TOPOLOGY_PATH, when the topology is not a preset. */
  file: string | undefined;
  /** --preset or --config, --no-latency, --no-auth. */
  flags: string[];
  credentials: FabricCredentials;
  env: Record<string, string>;
}

export function resolveOptions(o: FabricEmuOptions): ResolvedOptions {
  const preset = o.topology === undefined || PRESETS.includes(o.topology) ? (o.topology ?? 'seed-4') : undefined;
  const topology = preset !== undefined ? (o.topology === undefined ? defaultTopology() : presetTopology(preset)) : parseTopology(o.topology!, 'regions.yaml');
  const zero = [...(topology.global.port === 0 ? ['global'] : []), ...topology.regions.filter((r) => r.port === 0).map((r) => r.name)];
  if (zero.length > 0) throw new Error(`a fabric in containers needs fixed ports: the topology has port 0 at ${zero.join(', ')}`);
  const tenant = topology.dev?.tenant ?? '_mm';
  const password = o.password ?? topology.dev?.password ?? randomBytes(12).toString('hex');
  const apiKey = o.apiKey ?? topology.dev?.apiKey ?? `${tenant}.tc.${randomBytes(16).toString('hex')}`;
  return {
    topology,
    file: preset === undefined ? o.topology : undefined,
    flags: [...(preset !== undefined ? ['--preset', preset] : ['--config', TOPOLOGY_PATH]), ...(o.latency === false ? ['--no-latency'] : []), ...(o.auth === false ? ['--no-auth'] : [])],
    credentials: { tenant, username: topology.dev?.username ?? 'root', password, apiKey: o.auth === false ? undefined : apiKey },
    env: { FABRIC_EMU_PASSWORD: password, FABRIC_EMU_API_KEY: apiKey },
  };
}

/**
 * The Host names a container must answer besides loopback ones: the address testcontainers maps its
 * ports on (the Docker host, seldom localhost) and the names its peers call it by.
 */
export async function allowedHosts(peers: readonly string[] = []): Promise<string> {
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  return [host, ...peers].join(',');
}
