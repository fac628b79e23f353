import { describe, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { executeQuery } from '../../src/query/index.js';
import { caseTitle, expectOutcome, type Outcome } from './cases/check.js';
import { FEATURES, standardData, type Docs, type QueryCase } from './cases/index.js';
import { MemorySource, type ScanMode } from './memory-source.js';

/**
 * The project's own C8QL cases through the engine, each over a data source that declines, fully
 * applies or only filters the pushed-down FILTER/SORT/LIMIT: all three must give the documented result.
 */
const MODES: ScanMode[] = ['decline', 'apply', 'filters-only'];

function source(mode: ScanMode, data: Docs): MemorySource {
  const s = new MemorySource(mode);
  for (const [name, docs] of Object.entries(data)) s.addCollection(name, docs);
  return s;
}

function run(query: string, bind: unknown, s: MemorySource): Outcome {
  try {
    const r = executeQuery(query, bind as Record<string, unknown>, s);
    return { result: r.result, warnings: r.warnings.map((w) => w.code) };
  } catch (e) {
    if (!isGdnError(e)) throw e;
    return { errorNum: e.errorNum, message: e.message };
  }
}

function check(c: QueryCase): void {
  for (const mode of MODES) {
    const s = source(mode, c.data ?? standardData());
    const outcome = run(c.query, c.bind ?? {}, s);
    const then = c.then ? run(c.then.query, {}, s) : undefined;
    expectOutcome(c, outcome, `engine, scan ${mode}`, then);
  }
}

for (const f of FEATURES) {
  describe(f.feature, () => {
    for (const c of f.cases) it(caseTitle(c), () => check(c));
  });
}
