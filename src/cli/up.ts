import { resolve } from 'node:path';
import type { Command } from 'commander';
import { allowedHostsFromEnv, readManifest, startFabric, startProcessFabric, type Topology } from '../index.js';
import { UsageError } from './errors.js';
import { loadWithProgress, summaryLine } from './load.js';
import { onShutdown } from './shutdown.js';
import { table } from './table.js';
import { resolveTopology, type TopologyFlags } from './topology.js';

interface UpFlags extends TopologyFlags {
  dataDir: string;
  ephemeral?: boolean;
  latency: boolean;
  host: string;
  processes?: boolean;
  fixture?: string;
  clientRegion?: string;
  allowHost: string[];
}

interface Started {
  topology: Topology;
  urls: [name: string, url: string][];
  globalUrl: string;
}

function describe(f: Started, flags: UpFlags, dataDir: string | undefined): string {
  const rows = [['REGION', 'CITY', 'URL']];
  for (const [name, url] of f.urls) {
    const spec = f.topology.regions.find((r) => r.name === name)!;
    rows.push([name, `${spec.city}, ${spec.country}`, url]);
  }
  rows.push(['global', '(emulator control)', f.globalUrl]);
  return [
    `fabric-emu: topology '${f.topology.name}' (${f.topology.source}), ${f.urls.length} regions${flags.processes ? ', one process each' : ''}`,
    table(rows),
    `data:    ${dataDir ?? 'in memory (--ephemeral): nothing is kept after exit'}`,
    `latency: ${flags.latency ? `on (client access ${f.topology.access.rttMs} ms RTT; header x-gdn-client-region picks the client's region)` : 'off (--no-latency)'}`,
    `global:  ${f.globalUrl} routes every GDN request to the live PoP nearest the client (x-gdn-client-region, x-gdn-client-location, else ${flags.clientRegion ?? f.topology.regions[0]!.name})`,
    'replication: every region to every other, asynchronously; `fabric-emu status` shows the links',
    'auth:    not enforced yet: requests need no credentials',
    `health:  ${f.globalUrl}/_emu/health`,
  ].join('\n');
}

/** Loads the --fixture (if any), then says ready: a test that waits for the ready line sees the data. */
async function ready(globalUrl: string, flags: UpFlags, close: () => Promise<void>): Promise<void> {
  if (flags.fixture) {
    try {
      console.log(summaryLine(await loadWithProgress(flags.fixture, globalUrl, undefined)));
    } catch (e) {
      await close();
      throw e;
    }
  }
  console.log(`fabric-emu ready: ${globalUrl}`);
  onShutdown(close);
}

/** `--allow-host` adds to FABRIC_EMU_ALLOWED_HOSTS; `*` answers any host. */
export function allowed(flags: { allowHost: string[] }): { allowedHosts?: true | string[] } {
  if (flags.allowHost.length === 0) return {};
  if (flags.allowHost.includes('*')) return { allowedHosts: true };
  const env = allowedHostsFromEnv();
  return { allowedHosts: env === true ? true : [...env, ...flags.allowHost] };
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start every PoP of the topology and serve the GDN API on each')
    .option('-c, --config <file>', 'topology file (default: ./regions.yaml, else the embedded default)')
    .option('-p, --preset <name>', 'a built-in topology instead of a file (seed-4, global-25)')
    .option('-d, --data-dir <dir>', 'where each PoP keeps its SQLite replica', '.fabric-emu')
    .option('--ephemeral', 'keep all data in memory; nothing survives exit')
    .option('--no-latency', 'inject no client or replication delays')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--processes', 'run each PoP in its own child process (so one can be killed with SIGKILL)')
    .option('--fixture <dir>', 'load this fixture (docs/fixtures.md) once the PoPs serve, before saying ready')
    .option('--allow-host <host>', "a Host name the PoPs answer besides loopback ones ('.example.com' for a domain, '*' for any); repeatable", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--client-region <name>', 'where a client of the global URL is when its request does not say (default: the first region)')
    .action(async (flags: UpFlags) => {
      const topology = resolveTopology(flags);
      const names = topology.regions.map((r) => r.name);
      if (flags.clientRegion !== undefined && !names.includes(flags.clientRegion)) {
        throw new UsageError(`--client-region: unknown region '${flags.clientRegion}'; known: ${names.join(', ')}`);
      }
      // A bad manifest fails here, before any PoP starts.
      if (flags.fixture) readManifest(flags.fixture);
      const dataDir = flags.ephemeral ? undefined : resolve(flags.dataDir);
      if (flags.processes) {
        if (!dataDir) throw new Error('--processes needs a data dir: a killed process keeps its data only on disk (drop --ephemeral)');
        const f = await startProcessFabric({ topology, dataDir, latency: flags.latency, host: flags.host, clientRegion: flags.clientRegion, ...allowed(flags) });
        console.log(describe({ topology, urls: topology.regions.map((r) => [r.name, f.regionUrl(r.name)]), globalUrl: f.globalUrl() }, flags, dataDir));
        await ready(f.globalUrl(), flags, () => f.close());
        return;
      }
      const f = await startFabric({ topology, dataDir, latency: flags.latency, host: flags.host, clientRegion: flags.clientRegion, ...allowed(flags) });
      console.log(describe({ topology, urls: f.regions.map((r) => [r.name, r.url()]), globalUrl: f.globalUrl() }, flags, dataDir));
      await ready(f.globalUrl(), flags, () => f.close());
    });
}
