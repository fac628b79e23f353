import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { fabricSecret, startRegion, type DatacenterInfo } from '../index.js';
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

export function registerRegion(program: Command): void {
  program
    .command('region <name>')
    .description('run one PoP of the topology alone, replicating with its peers at their ports')
    .option('-c, --config <file>', 'topology file (default: ./regions.yaml, else the embedded default)')
    .option('-p, --preset <name>', 'a built-in topology instead of a file')
    .option('-d, --data-dir <dir>', 'where the PoP keeps its SQLite replica', '.fabric-emu')
    .option('--ephemeral', 'keep the data in memory')
    .option('--no-latency', 'inject no delays')
    .option('--no-auth', 'accept requests without credentials (throw-away runs only)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--ports <name=port,...>', "peers' ports, overriding the topology's", portMap)
    .addOption(new Option('--topology-json <file>', 'resolved topology from a parent process').hideHelp())
    .option('--allow-host <host>', "a Host name the PoP answers besides loopback ones ('*' for any); repeatable", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(new Option('--hold-replication', 'wait for a parent process to start replication').hideHelp())
    .addOption(new Option('--front-door-port <port>', "the parent's HTTPS front door, named by /datacenter/*").argParser((v) => Number(v)).hideHelp())
    .action(async (name: string, flags: RegionFlags) => {
      const topology = resolveTopology(flags);
      if (!topology.regions.some((r) => r.name === name)) {
        throw new UsageError(`region '${name}' is not in the topology; known: ${topology.regions.map((r) => r.name).join(', ')}`);
      }
      const ports = flags.ports ?? {};
      const datacenters = (): DatacenterInfo[] => topology.regions.map((r) => ({ ...r, host: flags.host, port: ports[r.name] ?? r.port }));
      const port = ports[name] ?? topology.regions.find((r) => r.name === name)!.port;
      const dataDir = flags.ephemeral ? undefined : resolve(flags.dataDir);
      const region = await startRegion({
        secret: fabricSecret(dataDir),
        topology,
        name,
        dataDir,
        latency: flags.latency,
        host: flags.host,
        datacenters,
        ...(ports[name] ? { port: ports[name] } : {}),
        holdReplication: flags.holdReplication === true,
        auth: flags.auth,
        ...(flags.frontDoorPort !== undefined ? { httpsPort: flags.frontDoorPort } : {}),
        ...allowed(flags),
      }).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        throw new StartError(`cannot start: region ${name} needs port ${port} on ${flags.host}, which another program is using`, 'portInUse');
      });
      if (!flags.auth) console.error(`fabric-emu: AUTHENTICATION IS OFF (--no-auth): region ${name} answers anyone who can reach ${flags.host}`);
      if (flags.frontDoorPort === undefined) {
        console.error(`fabric-emu region ${name}: plain HTTP only, no HTTPS front door; /datacenter/* names this port and says so (jsC8 needs 'fabric-emu up')`);
      }
      console.log(`fabric-emu region ${name} ready: ${region.url()}`);
      onShutdown(() => region.close());
    });
}
