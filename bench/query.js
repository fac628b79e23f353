/**
 * C8QL over a 100,000-document collection in a file-backed PoP (latency off), each query timed
 * through the PoP's query runner, the cursor API's execution path (data source, push-down; no
 * HTTP), against hand-written SQL on the same SQLite file opened read-only in this process. Both
 * sides return parsed documents (or the grouped rows), so the ratio is what C8QL, its type guards
 * and the engine cost over the SQL a developer would write. Medians of interleaved rounds.
 */
import Database from 'better-sqlite3';
import { defaultTopology } from '../dist/index.js';
import { createRegion } from '../dist/region/region.js';
import { jobOptions, querySource, runQueryOn } from '../dist/region/query-runner.js';
import { envInt, median, progress, tempDir } from './support.js';

const DOCS = envInt('BENCH_QUERY_DOCS', 100_000);
const ROUNDS = envInt('BENCH_QUERY_ROUNDS', 7);
const CITIES = Array.from({ length: 50 }, (_, i) => `City ${i}`);

function doc(i) {
  return {
    _key: `u${i}`,
    name: `User ${i}`,
    email: `user${i}@example.com`,
    zip: String(10000 + ((i * 7919) % 89999)),
    n: i,
    score: ((i * 104729) % 1000003) / 1000,
    city: CITIES[i % CITIES.length],
  };
}

/** Each case: the C8QL query and the SQL it is measured against, with a target ratio if any. */
function cases(cid) {
  const live = `cid = ${cid} AND deleted = 0`;
  const parse = (rows) => rows.map((r) => JSON.parse(r));
  return [
    {
      name: 'indexed equality (zip ==, ~1 row)',
      target: 2,
      c8ql: { query: 'FOR d IN c FILTER d.zip == @z RETURN d', bind: (k) => ({ z: String(10000 + ((k * 7919) % 89999)) }) },
      sql: { text: `SELECT body FROM documents WHERE ${live} AND json_extract(body, '$."zip"') = ?`, args: (k) => [String(10000 + ((k * 7919) % 89999))], map: parse },
      reps: 20000,
    },
    {
      name: 'indexed range (1000 <= n < 2000)',
      c8ql: { query: 'FOR d IN c FILTER d.n >= @lo AND d.n < @hi RETURN d', bind: (k) => ({ lo: (k * 1000) % DOCS, hi: ((k * 1000) % DOCS) + 1000 }) },
      sql: { text: `SELECT body FROM documents WHERE ${live} AND json_extract(body, '$."n"') >= ? AND json_extract(body, '$."n"') < ?`, args: (k) => [(k * 1000) % DOCS, ((k * 1000) % DOCS) + 1000], map: parse },
      reps: 10,
    },
    {
      name: 'full-scan equality (city ==, 2%)',
      target: 3,
      c8ql: { query: 'FOR d IN c FILTER d.city == @city RETURN d', bind: (k) => ({ city: CITIES[k % CITIES.length] }) },
      sql: { text: `SELECT body FROM documents WHERE ${live} AND json_extract(body, '$."city"') = ?`, args: (k) => [CITIES[k % CITIES.length]], map: parse },
      reps: 3,
    },
    {
      name: 'SORT + LIMIT 10 (unindexed score)',
      c8ql: { query: 'FOR d IN c SORT d.score DESC LIMIT 10 RETURN d', bind: () => ({}) },
      sql: { text: `SELECT body FROM documents WHERE ${live} ORDER BY json_extract(body, '$."score"') DESC LIMIT 10`, args: () => [], map: parse },
      reps: 3,
    },
    {
      name: 'COLLECT city WITH COUNT',
      c8ql: { query: 'FOR d IN c COLLECT city = d.city WITH COUNT INTO n RETURN {city, n}', bind: () => ({}) },
      sql: { text: `SELECT json_extract(body, '$."city"') AS city, COUNT(*) AS n FROM documents WHERE ${live} GROUP BY 1 ORDER BY 1`, args: () => [], map: (rows) => rows },
      reps: 2,
    },
  ];
}

function time(fn, reps) {
  const t0 = performance.now();
  let rows = 0;
  for (let k = 0; k < reps; k++) rows += fn(k);
  return { ms: (performance.now() - t0) / reps, rows: rows / reps };
}

export async function run() {
  const dir = tempDir('query');
  const topology = defaultTopology();
  const name = topology.regions[0].name;
  const region = createRegion({ topology, name, dataDir: dir.path, latency: false, host: '127.0.0.1', warn: () => {} });
  let ro;
  try {
    const { storage } = region;
    const c = storage.write(() => storage.collections.create('_system', { name: 'c' }));
    progress(`inserting ${DOCS} documents`);
    storage.write(() => {
      for (let i = 0; i < DOCS; i++) storage.documents.insert(c, doc(i));
      storage.indexes.ensure(c, { type: 'persistent', fields: ['zip'] });
      storage.indexes.ensure(c, { type: 'persistent', fields: ['n'] });
    });
    await storage.committed();
    storage.db.pragma('wal_checkpoint(TRUNCATE)');
    // The engine itself, synchronously, as a PoP runs a query within its slice.
    const source = querySource(storage, '_system');
    const limits = jobOptions({});
    ro = new Database(`${dir.path}/${name}.sqlite`, { readonly: true });
    const rows = [];
    for (const q of cases(c.id)) {
      const stmt = ro.prepare(q.sql.text).pluck(q.sql.map !== undefined && q.sql.text.startsWith('SELECT body'));
      const viaSql = (k) => q.sql.map(stmt.all(...q.sql.args(k))).length;
      const viaC8ql = (k) => runQueryOn(storage, source, '_system', q.c8ql.query, q.c8ql.bind(k), limits, {}).result.length;
      if (viaSql(1) !== viaC8ql(1)) throw new Error(`${q.name}: SQL gives ${viaSql(1)} rows, C8QL ${viaC8ql(1)}`);
      const ratios = [];
      const sqlMs = [];
      const c8qlMs = [];
      // One unmeasured round first, so both sides run JIT-compiled code when timed.
      time(viaSql, q.reps);
      time(viaC8ql, q.reps);
      for (let r = 0; r < ROUNDS; r++) {
        const a = time(viaSql, q.reps);
        const b = time(viaC8ql, q.reps);
        sqlMs.push(a.ms);
        c8qlMs.push(b.ms);
        ratios.push(b.ms / a.ms);
      }
      const ratio = median(ratios);
      const verdict = q.target === undefined ? 'no target' : `${ratio <= q.target ? 'PASS' : 'ABOVE TARGET'} (target <= ${q.target}x)`;
      progress(`${q.name}: SQL ${median(sqlMs).toFixed(3)} ms, C8QL ${median(c8qlMs).toFixed(3)} ms, ratio ${ratio.toFixed(2)}`);
      rows.push({ metric: `${q.name}: SQL`, value: median(sqlMs).toFixed(3), unit: 'ms', note: `${viaSql(1)} rows` });
      rows.push({ metric: `${q.name}: C8QL`, value: median(c8qlMs).toFixed(3), unit: 'ms' });
      rows.push({ metric: `${q.name}: C8QL / SQL`, value: ratio.toFixed(2), unit: 'ratio', note: `${verdict}; rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}` });
    }
    return rows;
  } finally {
    ro?.close();
    await region.close();
    dir.remove();
  }
}
