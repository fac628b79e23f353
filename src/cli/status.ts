import type { Command } from 'commander';
import type { FabricStatus } from '../index.js';
import { emu } from './client.js';
import { fabricUrl, withFabricOptions, type FabricFlags } from './run-file.js';
import { table } from './table.js';

const ms = (v: number | null) => (v === null ? '-' : `${v}`);

export function formatStatus(s: FabricStatus): string {
  const regions = [['REGION', 'STATE', 'LAST SEQ', 'URL'], ...s.regions.map((r) => [r.name, r.state, String(r.lastSeq ?? '-'), r.url])];
  const links = [
    ['FROM', 'TO', 'STATE', 'RTT ms', 'SHIPPED', 'ACKED', 'APPLIED', 'QUEUE', 'LAG p50', 'LAG p99'],
    ...s.links.map((l) => [
      l.from,
      l.to,
      l.cut ? 'cut' : l.state,
      `${l.rttMs}${l.lossRate ? ` loss ${l.lossRate}` : ''}`,
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
    .action(async (o: FabricFlags & { json?: boolean }) => {
      const s = await emu<FabricStatus>(fabricUrl(o), 'GET', '/_emu/status');
      console.log(o.json ? JSON.stringify(s, null, 2) : formatStatus(s));
    });
}
