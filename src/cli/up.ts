import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startFabric, type Fabric } from '../index.js';
import { resolveTopology, type TopologyFlags } from './topology.js';

interface UpFlags extends TopologyFlags {
  dataDir: string;
  ephemeral?: boolean;
  latency: boolean;
  host: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function describe(f: Fabric, flags: UpFlags, dataDir: string | undefined): string {
  const rows = [['REGION', 'CITY', 'URL']];
  for (const r of f.regions) rows.push([r.name, `${r.spec.city}, ${r.spec.country}`, r.url()]);
  rows.push(['global', '(emulator control)', f.globalUrl()]);
  return [
    `fabric-emu: topology '${f.topology.name}' (${f.topology.source}), ${f.regions.length} regions`,
    table(rows),
    `data:    ${dataDir ?? 'in memory (--ephemeral): nothing is kept after exit'}`,
    `latency: ${flags.latency ? `on (client access ${f.topology.access.rttMs} ms RTT; header x-gdn-client-region picks the client's region)` : 'off (--no-latency)'}`,
    'auth:    not enforced yet: requests need no credentials',
    `health:  ${f.globalUrl()}/_emu/health`,
    `fabric-emu ready: ${f.globalUrl()}`,
  ].join('\n');
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
    .action(async (flags: UpFlags) => {
      const topology = resolveTopology(flags);
      const dataDir = flags.ephemeral ? undefined : resolve(flags.dataDir);
      const fabric = await startFabric({ topology, dataDir, latency: flags.latency, host: flags.host });
      console.log(describe(fabric, flags, dataDir));
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`fabric-emu: ${signal}: finishing in-flight requests and closing databases`);
        fabric.close().then(
          () => process.exit(0),
          (e: unknown) => {
            console.error('fabric-emu: error while stopping:', e);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
