import { afterAll, beforeAll, describe, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';
import { caseTitle, expectOutcome, writes, type Outcome } from '../query/cases/check.js';
import { FEATURES, standardData, type Docs, type QueryCase } from '../query/cases/index.js';

/**
 * The project's own C8QL cases through a PoP's cursor API over its SQLite replica, where FILTER,
 * SORT and LIMIT are pushed down to SQL: results, warnings and errorNums must be those documented.
 */
let t: TestRegion;
/** The data set laid now, as JSON; null after a case that may have changed it. */
let laid: string | null = null;
let collections: string[] = [];

beforeAll(async () => {
  t = await testRegion();
});
afterAll(() => t.close());

async function lay(data: Docs): Promise<void> {
  for (const name of collections) await t.client.delete(`/_api/collection/${name}`);
  for (const [name, docs] of Object.entries(data)) {
    await t.client.post('/_api/collection', { name });
    if (docs.length > 0) await t.client.post(`/_api/document/${name}`, docs);
  }
  collections = Object.keys(data);
  laid = JSON.stringify(data);
}

async function cursor(query: string, bindVars: unknown): Promise<Outcome> {
  let r = await t.client.post('/_api/cursor', { query, bindVars, batchSize: 1000 });
  if (r.body?.error) return { errorNum: r.body.errorNum, message: r.body.errorMessage };
  const result: unknown[] = [...r.body.result];
  const warnings = (r.body.extra.warnings as { code: number }[]).map((w) => w.code);
  while (r.body.hasMore) {
    r = await t.client.put(`/_api/cursor/${r.body.id}`);
    result.push(...r.body.result);
  }
  return { result, warnings };
}

async function check(c: QueryCase): Promise<void> {
  const data = c.data ?? standardData();
  if (laid !== JSON.stringify(data)) await lay(data);
  const outcome = await cursor(c.query, c.bind ?? {});
  const then = c.then ? await cursor(c.then.query, {}) : undefined;
  if (writes(c)) laid = null;
  expectOutcome(c, outcome, 'POST /_api/cursor', then);
}

for (const f of FEATURES) {
  describe(`${f.feature} (HTTP)`, () => {
    for (const c of f.cases) it(caseTitle(c), () => check(c));
  });
}
