import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { deepEqual, isNewer, judge, loadCases, type Case, type Outcome, type Run } from '../query/conformance-helpers.js';
import { post, put } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

/**
 * The C8QL conformance cases through the real HTTP cursor API of a listening PoP
 * (POST /_fabric/_system/_api/cursor, then PUT for further batches), judged by the same rules as
 * the engine-level runner. None of the cases reads a collection; `FOR i IN no` must give 1203.
 */
interface KnownFailure {
  query: string;
  bindVars?: Record<string, unknown>;
}

const known = JSON.parse(readFileSync(new URL('../query/known-failures.json', import.meta.url), 'utf8')) as KnownFailure[];
const isKnown = (c: Case): boolean => known.some((k) => k.query === c.query && (k.bindVars === undefined || deepEqual(k.bindVars, c.bindVars)));

let fabric: Fabric;
let base: string;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology(), latency: false });
  base = `${fabric.region('r-east').url()}/_fabric/_system/_api/cursor`;
});
afterAll(() => fabric.close());

async function runOverHttp(c: Case): Promise<Run> {
  let r = await post(base, { query: c.query, bindVars: c.bindVars, batchSize: 1000 });
  if (r.body?.error) return { errorNum: r.body.errorNum, message: r.body.errorMessage };
  const result: unknown[] = [...r.body.result];
  const warnings = (r.body.extra.warnings as { code: number }[]).map((w) => w.code);
  while (r.body.hasMore) {
    r = await put(`${base}/${r.body.id}`);
    result.push(...r.body.result);
  }
  return { result, warnings };
}

describe('C8QL conformance over HTTP', () => {
  let outcomes: (Outcome & { c: Case })[] = [];
  beforeAll(async () => {
    outcomes = [];
    for (const c of loadCases()) outcomes.push({ c, ...judge(c, await runOverHttp(c)) });
  }, 120_000);

  it('reports the pass rate', () => {
    const pct = (xs: typeof outcomes): string => {
      const n = xs.filter((o) => o.pass).length;
      return `${n}/${xs.length} (${((100 * n) / Math.max(1, xs.length)).toFixed(1)}%)`;
    };
    const core = outcomes.filter((o) => !isNewer(o.c));
    const newer = outcomes.filter((o) => isNewer(o.c));
    const errors = outcomes.filter((o) => o.c.errorNum !== undefined);
    console.log(`C8QL conformance over HTTP: core ${pct(core)}; newer-than-c8ql ${pct(newer)}; error cases ${pct(errors)}; all ${pct(outcomes)}`);
    expect(outcomes.length).toBeGreaterThan(900);
    expect(errors.every((o) => o.pass)).toBe(true);
  });

  it('fails only on listed known failures', () => {
    const unexpected = outcomes.filter((o) => !o.pass && !isKnown(o.c)).map((o) => `${o.c.query} ${JSON.stringify(o.c.bindVars)}\n    ${o.detail}`);
    expect(unexpected).toEqual([]);
  });
});
