import type { Command } from 'commander';
import { loadFixture, type LoadSummary } from '../index.js';
import { progressLine } from './progress.js';
import { fabricApiKey, fabricUrl, withApiKeyOption, withFabricOptions, type FabricFlags } from './run-file.js';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function summaryLine(s: LoadSummary): string {
  const c = s.collections;
  const q = s.savedQueries;
  return (
    `fabric-emu: loaded fixture '${s.fixture}' through ${s.region}: ` +
    `${count(c.created + c.existing, 'collection', 'collections')} (${c.created} created), ` +
    `${count(s.indexes.created + s.indexes.existing, 'index', 'indexes')} (${s.indexes.created} created), ` +
    `${count(s.documents, 'document', 'documents')}, ` +
    `${count(q.created + q.updated, 'saved query', 'saved queries')} (${q.created} created, ${q.updated} updated); ` +
    `replicated to ${s.replicatedTo.join(', ')}`
  );
}

/** Loads a fixture with a progress line on a terminal; used by `load` and `up --fixture`. */
export async function loadWithProgress(dir: string, url: string, region: string | undefined, apiKey: string | undefined): Promise<LoadSummary> {
  const bar = progressLine();
  try {
    return await loadFixture(dir, { url, region, apiKey, onProgress: (p) => bar.update(p) });
  } finally {
    bar.end();
  }
}

export function registerLoad(program: Command): void {
  withApiKeyOption(withFabricOptions(
    program
      .command('load <dir>')
      .description('load a fixture (collections, indexes, documents, saved queries) into a running fabric through one PoP, then wait for replication'),
  ))
    .option('--region <name>', 'the PoP to write through (default: the first region)')
    .action(async (dir: string, o: FabricFlags & { region?: string }) => {
      console.log(summaryLine(await loadWithProgress(dir, fabricUrl(o), o.region, fabricApiKey(o))));
    });
}
