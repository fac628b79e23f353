import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { del, post, put, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';
import { deepEqual, unorderedEqual } from '../helpers/values.js';
import { casesWithoutGraphs, graphCorpusPresent, loadDataset, type GraphCase } from './graph-corpus.js';
import { knownFailures } from './judge.js';

/**
 * The cases of the graph corpus that need no graph (geo, fulltext, GeoJSON constructors), through
 * the HTTP API of a listening PoP, loaded and judged as graph/README.md says. Graph traversal is not
 * built, so the other cases are not run (setup.ts says how many).
 */
type Run = { result: unknown[]; warnings: number } | { errorNum: number; message: string };

let fabric: Fabric;
let base: string;
let loaded: string | null = null;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology(), latency: false });
  useCredentials(fabric);
  base = `${fabric.region('r-east').url()}/_fabric/_system/_api`;
});
afterAll(() => fabric.close());

async function load(name: string): Promise<void> {
  if (loaded === name) return;
  const d = loadDataset(name);
  if (loaded !== null) for (const c of loadDataset(loaded).collections) await del(`${base}/collection/${c.name}`);
  loaded = name;
  for (const c of d.collections) {
    const made = await post(`${base}/collection`, { name: c.name, type: c.type });
    if (made.status !== 200) throw new Error(`dataset ${name}: creating ${c.name} failed: ${JSON.stringify(made.body)}`);
    for (let i = 0; i < c.documents.length; i += 1000) {
      const r = await post(`${base}/document/${c.name}`, c.documents.slice(i, i + 1000));
      if (r.status >= 300) throw new Error(`dataset ${name}: inserting into ${c.name} failed: ${JSON.stringify(r.body)}`);
    }
  }
  for (const { collection, ...index } of d.indexes ?? []) {
    const r = await post(`${base}/index?collection=${collection}`, index);
    if (r.status >= 300) throw new Error(`dataset ${name}: index on ${collection} failed: ${JSON.stringify(r.body)}`);
  }
}

async function run(c: GraphCase): Promise<Run> {
  if (c.dataset !== null) await load(c.dataset);
  let r = await post(`${base}/cursor`, { query: c.query, bindVars: c.bindVars ?? {}, batchSize: 1000 });
  if (r.body?.error) return { errorNum: r.body.errorNum, message: r.body.errorMessage };
  const result: unknown[] = [...r.body.result];
  const warnings = (r.body.extra.warnings as unknown[]).length;
  while (r.body.hasMore) {
    r = await put(`${base}/cursor/${r.body.id}`);
    result.push(...r.body.result);
  }
  return { result, warnings };
}

/** `_rev` is never expected; `stripSystem` drops each row's top-level `_` attributes. */
function normalise(v: unknown, strip: boolean, top = true): unknown {
  if (Array.isArray(v)) return v.map((x) => normalise(x, strip, false));
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '_rev' && !(strip && top && k.startsWith('_'))).map(([k, x]) => [k, normalise(x, false, false)]));
}

function judge(c: GraphCase, r: Run): { pass: boolean; detail: string } {
  if ('errorNum' in r) return { pass: r.errorNum === c.errorNum, detail: `expected ${c.errorNum === undefined ? 'a result' : `error ${c.errorNum}`}, got error ${r.errorNum}: ${r.message}` };
  if (c.errorNum !== undefined) return { pass: false, detail: `expected error ${c.errorNum}, got ${JSON.stringify(r.result)}` };
  const actual = r.result.map((row) => normalise(row, c.stripSystem === true));
  const expected = c.expected ?? [];
  const same = c.unordered ? unorderedEqual(actual, expected, c.tolerance) : deepEqual(actual, expected, c.tolerance);
  if (!same) return { pass: false, detail: `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}` };
  if (c.warningCount !== undefined && r.warnings !== c.warningCount) return { pass: false, detail: `expected ${c.warningCount} warnings, got ${r.warnings}` };
  return { pass: true, detail: '' };
}

const present = graphCorpusPresent();
const cases = present ? casesWithoutGraphs() : [];
const known = knownFailures('./geo-known-failures.json');
let passed = 0;

describe.skipIf(!present)('graph corpus: the cases that need no graph (HTTP cursor API)', () => {
  for (const c of cases) {
    it(`cases.jsonl:${c.line} ${c.query.replace(/\s+/g, ' ').slice(0, 100)}`, async () => {
      const outcome = judge(c, await run(c));
      if (outcome.pass) passed++;
      const reason = known.reason(c);
      if (reason !== null) expect(outcome.pass, `listed in test/conformance/geo-known-failures.json (${reason}) but passes now: remove the entry`).toBe(false);
      else expect(outcome.pass, outcome.detail).toBe(true);
    }, 60_000);
  }

  it('geo-known-failures.json lists only cases that run here', () => {
    expect(known.unmatched(cases)).toEqual([]);
  });

  afterAll(() => console.log(`graph corpus without graphs: ${passed}/${cases.length} pass`));
});
