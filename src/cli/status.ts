import type { Command } from 'commander';
import { resolve } from 'node:path';
import { existingFabricSecret, popStatus, type FabricStatus } from '../index.js';
import { emu } from './client.js';
import { fabricUrl, withFabricOptions, type FabricFlags } from './run-file.js';
import { table } from './table.js';

const ms = (v: number | null) => (v === null ? '-' : `${v}`);

export function formatStatus(s: FabricStatus): string {
  const regions = [['REGION', 'STATE', 'LAST SEQ', 'URL'], ...s.regions.map((r) => [r.name, r.state, String(r.lastSeq ?? '-'), r.url])];
  const links = [
    ['FROM', 'TO', 'STATE', 'RTT ms', 'NETWORK ms', 'SHIPPED', 'ACKED', 'APPLIED', 'QUEUE', 'LAG p50', 'LAG p99'],
    ...s.links.map((l) => [
      l.from,
      l.to,
      l.cut ? 'cut' : l.state,
      `${l.rttMs}${l.lossRate ? ` loss ${l.lossRate}` : ''}`,
      ms(l.networkRttMs),
      String(l.shipped),
      String(l.acked),
      String(l.applied ?? '-'),
      String(l.queueDepth),
      ms(l.lagP50Ms),
      ms(l.lagP99Ms),
    ]),
  ];
  return `${table(regions)}\n\n${table(links)}`;
}

export function registerStatus(program: Command): void {
  withFabricOptions(program.command('status').description('regions and replication links of a running fabric: state, seqs, queue depth, lag'))
    .option('--json', 'print the raw JSON')
    .option('--pop <url>', "a PoP run by 'fabric-emu region' (on any machine), asked directly with the fabric's secret ($FABRIC_EMU_SECRET or --data-dir's); repeatable, instead of a fabric's global URL", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (o: FabricFlags & { json?: boolean; pop: string[] }) => {
      const s = o.pop.length > 0 ? await popStatus(o.pop, existingFabricSecret(resolve(o.dataDir))) : await emu<FabricStatus>(fabricUrl(o), 'GET', '/_emu/status');
      console.log(o.json ? JSON.stringify(s, null, 2) : formatStatus(s));
    });
}
