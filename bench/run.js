/**
 * `npm run bench`: runs every section in sequence and prints one summary table.
 * A section is a module exporting `async run(): Promise<Row[]>` with
 * Row = { metric: string, value: string | number, unit?: string, note?: string }.
 * Add a section by adding a line to SECTIONS. `node bench/run.js startup` runs only the named ones.
 * Throughput is only meaningful as a ratio against a baseline measured in the same run; the
 * targets printed are informative and never fail the run, only a crashed section does.
 */
const SECTIONS = [
  { name: 'document-crud', module: './document-crud.js' },
  { name: 'kv', module: './kv.js' },
  { name: 'startup', module: './startup.js' },
  { name: 'fixture', module: './fixture.js' },
  { name: 'query', module: './query.js' },
  { name: 'replication', module: './replication.js' },
  { name: 'streams', module: './streams.js' },
  { name: 'edge', module: './edge.js' },
  { name: 'snapshot', module: './snapshot.js' },
  { name: 'containers', module: './containers.js' },
];

/** Whatever a section leaves behind, the run ends: a stuck handle trips this, a clean exit never waits for it. */
const DEADLINE_MS = 10 * 60_000;
setTimeout(() => {
  console.error(`bench: still running after ${DEADLINE_MS / 60_000} min, giving up`);
  process.exit(2);
}, DEADLINE_MS).unref();

function printTable(rows) {
  const cols = ['section', 'metric', 'value', 'unit', 'note'];
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? '')));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row) => row.map((v, i) => (i === 2 ? v.padStart(width[i]) : v.padEnd(width[i]))).join('  ').trimEnd();
  console.log(line(cols));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const row of cells) console.log(line(row));
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const rows = [];
let crashed = 0;
for (const section of SECTIONS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  console.error(`[bench] ${section.name}`);
  const t0 = Date.now();
  try {
    const { run } = await import(section.module);
    for (const row of await run()) rows.push({ section: section.name, ...row });
    console.error(`[bench] ${section.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    crashed++;
    console.error(`[bench] ${section.name} FAILED:`, e);
    rows.push({ section: section.name, metric: 'FAILED', value: '', note: String(e?.message ?? e).split('\n')[0] });
  }
}
console.log('');
printTable(rows);
process.exitCode = crashed > 0 ? 1 : 0;
