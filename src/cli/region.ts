import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { fabricSecret, startRegion, type DatacenterInfo, type RegionServer, type Topology } from '../index.js';
import { StartError, UsageError } from './errors.js';
import { allowed } from './up.js';
import { onShutdown } from './shutdown.js';
import { resolveTopology, type TopologyFlags } from './topology.js';

interface RegionFlags extends TopologyFlags {
  dataDir: string;
  ephemeral?: boolean;
  latency: boolean;
  host: string;
  ports?: Record<string, number>;
  port?: number;
  peer: Record<string, PeerAddress>;
  holdReplication?: boolean;
  frontDoorPort?: number;
  allowHost: string[];
  auth: boolean;
}

function portMap(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of v.split(',').filter(Boolean)) {
    const [name, port] = part.split('=');
    const n = Number(port);
    if (!name || !Number.isInteger(n) || n <= 0 || n > 65535) throw new InvalidArgumentError(`expected name=port pairs, got '${part}'`);
    out[name] = n;
  }
  return out;
}

export interface PeerAddress {
  host: string;
  port: number;
}

/** `name=host:port` (an IPv6 host in brackets: `name=[::1]:8532`), added to the ones already given. */
export function peerArg(v: string, prev: Record<string, PeerAddress>): Record<string, PeerAddress> {
  const m = /^([a-z0-9-]+)=(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d+)$/.exec(v);
  const port = Number(m?.[4]);
  if (!m || !Number.isInteger(port) || port <= 0 || port > 65535) throw new InvalidArgumentError(`expected name=host:port (e.g. gdn-us-east=10.0.0.2:8532), got '${v}'`);
  return { ...prev, [m[1]!]: { host: (m[2] ?? m[3])!, port } };
}

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port 0-65535, got '${v}'`);
  return n;
}

/**
 * Where this PoP finds each region: a --peer flag, else the region's host in the topology at its
 * port (--ports overriding it), else this machine (the bind host) at that port.
 */
export function peerAddresses(topology: Topology, flags: Pick<RegionFlags, 'host' | 'ports' | 'peer'>): DatacenterInfo[] {
  const ports = flags.ports ?? {};
  return topology.regions.map((r) => {
    const given = flags.peer[r.name];
    return { ...r, host: given?.host ?? r.host ?? flags.host, port: given?.port ?? ports[r.name] ?? r.port };
  });
}

export function registerRegion(program: Command): void {
  program
    .command('region <name>')
    .alias('pop')
    .description('run one PoP of the topology alone (on this machine or any other), replicating with its peers at their addresses')
    .option('-c, --config <file>', 'topology file (default: ./regions.yaml, else the embedded default)')
    .option('-p, --preset <name>', 'a built-in topology instead of a file')
    .option('-d, --data-dir <dir>', 'where the PoP keeps its SQLite replica', '.fabric-emu')
    .option('--ephemeral', 'keep the data in memory')
    .option('--no-latency', 'inject no delays')
    .option('--no-auth', 'accept requests without credentials (throw-away runs only)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', "this PoP's port (default: the topology's)", portArg)
    .option('--peer <name=host:port>', "where a peer runs (another machine, container or port), overriding the topology's host and port; repeatable", peerArg, {} as Record<string, PeerAddress>)
    .option('--ports <name=port,...>', "peers' ports on this machine, overriding the topology's", portMap)
    .addOption(new Option('--topology-json <file>', 'resolved topology from a parent process').hideHelp())
    .option('--allow-host <host>', "a Host name the PoP answers besides loopback ones ('*' for any); repeatable", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(new Option('--hold-replication', 'wait for a parent process to start replication').hideHelp())
    .addOption(new Option('--front-door-port <port>', "the parent's HTTPS front door, named by /datacenter/*").argParser((v) => Number(v)).hideHelp())
    .action(async (name: string, flags: RegionFlags) => {
      const topology = resolveTopology(flags);
      if (!topology.regions.some((r) => r.name === name)) {
        throw new UsageError(`region '${name}' is not in the topology; known: ${topology.regions.map((r) => r.name).join(', ')}`);
      }
      const unknown = Object.keys(flags.peer).find((p) => !topology.regions.some((r) => r.name === p));
      if (unknown !== undefined) throw new UsageError(`--peer ${unknown}: not a region of the topology; known: ${topology.regions.map((r) => r.name).join(', ')}`);
      if (flags.peer[name]) throw new UsageError(`--peer ${name}: that is this PoP (use --host and --port for its own address)`);
      const ports = { ...(flags.ports ?? {}), ...(flags.port !== undefined ? { [name]: flags.port } : {}) };
      const peers = peerAddresses(topology, { ...flags, ports });
      const port = ports[name] ?? topology.regions.find((r) => r.name === name)!.port;
      // This PoP is on the bind host whatever the topology says; its peers where they were given.
      const started: { server?: RegionServer } = {};
      const datacenters = (): DatacenterInfo[] => peers.map((d) => (d.name === name ? { ...d, host: flags.host, port: started.server?.port() ?? port } : d));
      const dataDir = flags.ephemeral ? undefined : resolve(flags.dataDir);
      const region = await startRegion({
        secret: fabricSecret(dataDir),
        topology,
        name,
        dataDir,
        latency: flags.latency,
        host: flags.host,
        datacenters,
        ...(ports[name] !== undefined ? { port: ports[name] } : {}),
        holdReplication: flags.holdReplication === true,
        auth: flags.auth,
        ...(flags.frontDoorPort !== undefined ? { httpsPort: flags.frontDoorPort } : {}),
        ...allowed(flags),
      }).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        throw new StartError(`cannot start: region ${name} needs port ${port} on ${flags.host}, which another program is using`, 'portInUse');
      });
      started.server = region;
      if (!flags.auth) console.error(`fabric-emu: AUTHENTICATION IS OFF (--no-auth): region ${name} answers anyone who can reach ${flags.host}`);
      if (flags.frontDoorPort === undefined) {
        console.error(`fabric-emu region ${name}: plain HTTP only, no HTTPS front door; /datacenter/* names this port and says so (jsC8 needs 'fabric-emu up')`);
      }
      console.log(`fabric-emu region ${name} ready: ${region.url()}`);
      onShutdown(() => region.close());
    });
}
