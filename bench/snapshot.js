/**
 * Snapshots of 100,000 documents: a fabric of the default 4 PoPs (latency off, in memory, PoP
 * threads) holds them replicated at every PoP; saveSnapshot writes the file, loadSnapshot loads it
 * back into the running fabric, and a new fabric starts from it. The baseline is what the data
 * alone costs with better-sqlite3 in this process: a plain online backup of each of the snapshot's
 * images into a fresh database file, one after the other (the same copy, for the save and the
 * load). Ratios are medians of per-round ratios.
 */
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readSnapshot } from '../dist/control/snapshot-file.js';
import { defaultTopology, startFabric } from '../dist/index.js';
import { addressDocument, envInt, median, progress, tempDir } from './support.js';

const DOCUMENTS = envInt('BENCH_SNAPSHOT_DOCUMENTS', 100_000);
const ROUNDS = envInt('BENCH_SNAPSHOT_ROUNDS', 3);
const BATCH = 2_000;

function topology() {
  const t = defaultTopology();
  t.global.port = 0;
  for (const r of t.regions) r.port = 0;
  delete t.https;
  return t;
}

async function seed(fabric) {
  const url = fabric.regions[0].url();
  const headers = { authorization: `apikey ${fabric.credentials.apiKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${url}/_fabric/_system/_api/collection`, { method: 'POST', headers, body: JSON.stringify({ name: 'addresses' }) });
  if (created.status !== 200) throw new Error(`create collection: ${created.status} ${await created.text()}`);
  for (let i = 0; i < DOCUMENTS; i += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, DOCUMENTS - i) }, (_, j) => addressDocument(i + j).replace('{', `{"_key":"a${i + j}",`));
    const r = await fetch(`${url}/_fabric/_system/_api/document/addresses`, { method: 'POST', headers, body: `[${docs.join(',')}]` });
    if (r.status !== 202) throw new Error(`insert: ${r.status} ${(await r.text()).slice(0, 200)}`);
  }
  await fabric.waitForReplication({ timeoutMs: 600_000 });
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** The baseline: better-sqlite3 alone, over the same images. */
async function baseline(images, dir) {
  const save = await timed(async () => {
    for (const [i, file] of [...images.values()].entries()) {
      const db = new Database(file);
      await db.backup(join(dir, `backup-${i}.sqlite`));
      db.close();
    }
  });
  const load = await timed(async () => {
    for (const [i, file] of [...images.values()].entries()) {
      const src = new Database(file);
      await src.backup(join(dir, `restored-${i}.sqlite`));
      src.close();
    }
  });
  return { baseSaveMs: save.ms, baseLoadMs: load.ms };
}

export async function run() {
  const dir = tempDir('snapshot');
  const fabric = await startFabric({ topology: topology(), latency: false });
  try {
    progress(`seeding ${DOCUMENTS} documents at ${fabric.regions[0].name}, replicated to ${fabric.regions.length} PoPs`);
    await seed(fabric);
    const file = join(dir.path, 'bench.snapshot');
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const save = await timed(() => fabric.saveSnapshot(file));
      const load = await timed(() => fabric.loadSnapshot(file));
      const start = await timed(() => startFabric({ topology: topology(), latency: false, fromSnapshot: file }));
      const plain = await timed(() => startFabric({ topology: topology(), latency: false }));
      await start.value.close();
      await plain.value.close();
      const unpacked = join(dir.path, `unpacked-${i}`);
      mkdirSync(unpacked);
      const { files } = await readSnapshot(file, unpacked);
      const base = await baseline(files, unpacked);
      rounds.push({ saveMs: save.ms, loadMs: load.ms, startMs: start.ms, plainStartMs: plain.ms, ...base });
      progress(`round ${i + 1}: save ${save.ms.toFixed(0)} ms, load ${load.ms.toFixed(0)} ms, start from it ${start.ms.toFixed(0)} ms (plain start ${plain.ms.toFixed(0)} ms); better-sqlite3 backup ${base.baseSaveMs.toFixed(0)} ms, image load ${base.baseLoadMs.toFixed(0)} ms`);
    }
    const bytes = statSync(file).size;
    const med = (f) => median(rounds.map((r) => r[f]));
    const ratio = (a, b) => median(rounds.map((r) => r[a] / r[b]));
    const spread = (a, b) => {
      const xs = rounds.map((r) => r[a] / r[b]);
      return `rounds ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
    };
    const n = `${DOCUMENTS.toLocaleString('en')} docs x ${fabric.regions.length} PoPs`;
    return [
      { metric: `snapshot file, ${n}`, value: (bytes / (1 << 20)).toFixed(1), unit: 'MiB', note: 'uncompressed: the PoPs\' SQLite images' },
      { metric: 'save (fabric.saveSnapshot)', value: med('saveMs').toFixed(0), unit: 'ms', note: `${ROUNDS} rounds; online backup of every PoP while it serves, packed and checksummed` },
      { metric: 'load into the running fabric', value: med('loadMs').toFixed(0), unit: 'ms', note: 'checksums, per-PoP check and swap, replication held meanwhile' },
      { metric: 'start a fabric from it (fromSnapshot)', value: med('startMs').toFixed(0), unit: 'ms', note: `a plain start of the same fabric: ${med('plainStartMs').toFixed(0)} ms` },
      { metric: 'save / plain better-sqlite3 backup', value: ratio('saveMs', 'baseSaveMs').toFixed(2), unit: 'ratio', note: `baseline ${med('baseSaveMs').toFixed(0)} ms for the same ${fabric.regions.length} images one by one; ${spread('saveMs', 'baseSaveMs')}` },
      { metric: 'load / plain better-sqlite3 backup', value: ratio('loadMs', 'baseLoadMs').toFixed(2), unit: 'ratio', note: `baseline ${med('baseLoadMs').toFixed(0)} ms: each image backed up into a fresh database; ${spread('loadMs', 'baseLoadMs')}` },
    ];
  } finally {
    await fabric.close();
    dir.remove();
  }
}
