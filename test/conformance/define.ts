import { afterAll, describe, expect, it } from 'vitest';
import { C8QL_FILES, caseName, isNewer, loadCases, type Case } from './corpus.js';
import { judge, knownFailure, unmatchedKnownFailures, type Run } from './judge.js';

/**
 * One `it` per line of the corpus, grouped by file. A case listed in known-failures.json must still
 * fail: once it passes, the run fails until the entry is removed.
 */
export function defineCorpusTests(label: string, run: (c: Case) => Run | Promise<Run>): void {
  const cases = loadCases();
  const tally = { core: [0, 0], newer: [0, 0], errors: [0, 0] };
  const count = (c: Case, pass: boolean): void => {
    const slot = c.errorNum !== undefined ? tally.errors : isNewer(c) ? tally.newer : tally.core;
    slot[1] = (slot[1] ?? 0) + 1;
    if (pass) slot[0] = (slot[0] ?? 0) + 1;
  };

  describe(label, () => {
    for (const file of C8QL_FILES) {
      describe(file, () => {
        for (const c of cases.filter((x) => x.file === file)) {
          it(caseName(c), async () => {
            const outcome = judge(c, await run(c));
            count(c, outcome.pass);
            const reason = knownFailure(c);
            if (reason !== null) {
              expect(outcome.pass, `listed in test/conformance/known-failures.json (${reason}) but passes now: remove the entry`).toBe(false);
            } else {
              expect(outcome.pass, outcome.detail).toBe(true);
            }
          });
        }
      });
    }

    it('known-failures.json lists only cases of the corpus', () => {
      expect(unmatchedKnownFailures(cases)).toEqual([]);
    });

    afterAll(() => {
      const pct = ([n, of]: number[]): string => `${n}/${of} (${((100 * (n ?? 0)) / Math.max(1, of ?? 0)).toFixed(1)}%)`;
      console.log(`${label}: core ${pct(tally.core)}; newer-than-c8ql ${pct(tally.newer)}; error cases ${pct(tally.errors)}`);
    });
  });
}
