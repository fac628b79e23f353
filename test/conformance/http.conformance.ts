import { afterAll, beforeAll } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { post, put, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';
import { defineCorpusTests } from './define.js';
import type { Run } from './judge.js';

/**
 * The corpus through the real HTTP cursor API of a listening PoP (POST /_fabric/_system/_api/cursor,
 * then PUT for further batches), judged by the same rules as the engine-level run. No case reads a
 * collection; `FOR i IN no` must give 1203.
 */
let fabric: Fabric;
let base: string;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology(), latency: false });
  useCredentials(fabric);
  base = `${fabric.region('r-east').url()}/_fabric/_system/_api/cursor`;
});
afterAll(() => fabric.close());

defineCorpusTests('C8QL conformance (HTTP cursor API)', async (c): Promise<Run> => {
  let r = await post(base, { query: c.query, bindVars: c.bindVars, batchSize: 1000 });
  if (r.body?.error) return { errorNum: r.body.errorNum, message: r.body.errorMessage };
  const result: unknown[] = [...r.body.result];
  const warnings = (r.body.extra.warnings as { code: number }[]).map((w) => w.code);
  while (r.body.hasMore) {
    r = await put(`${base}/${r.body.id}`);
    result.push(...r.body.result);
  }
  return { result, warnings };
});
