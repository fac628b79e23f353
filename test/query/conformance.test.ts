import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deepEqual, isNewer, loadCases, runCase, type Case } from './conformance-helpers.js';

interface KnownFailure {
  query: string;
  bindVars?: Record<string, unknown>;
  reason: string;
}

const known = JSON.parse(readFileSync(new URL('./known-failures.json', import.meta.url), 'utf8')) as KnownFailure[];

function isKnown(c: Case): boolean {
  return known.some((k) => k.query === c.query && (k.bindVars === undefined || deepEqual(k.bindVars, c.bindVars)));
}

describe('C8QL conformance cases', () => {
  const cases = loadCases();
  const outcomes = cases.map((c) => ({ c, ...runCase(c) }));

  it('reports the pass rate', () => {
    const core = outcomes.filter((o) => !isNewer(o.c));
    const newer = outcomes.filter((o) => isNewer(o.c));
    const errors = outcomes.filter((o) => o.c.errorNum !== undefined);
    const pct = (xs: typeof outcomes): string => `${xs.filter((o) => o.pass).length}/${xs.length} (${((100 * xs.filter((o) => o.pass).length) / Math.max(1, xs.length)).toFixed(1)}%)`;
    console.log(`C8QL conformance: core ${pct(core)}; newer-than-c8ql ${pct(newer)}; error cases ${pct(errors)}; all ${pct(outcomes)}`);
    expect(core.filter((o) => o.pass).length / core.length).toBeGreaterThanOrEqual(0.95);
    expect(errors.every((o) => o.pass)).toBe(true);
  });

  it('fails only on listed known failures', () => {
    const unexpected = outcomes.filter((o) => !o.pass && !isKnown(o.c));
    const details = unexpected.map((o) => `${o.c.query} ${JSON.stringify(o.c.bindVars)}\n    ${o.detail}`);
    expect(details).toEqual([]);
  });

  it('lists no case that now passes', () => {
    const stale = known.filter((k) => {
      const matching = outcomes.filter((o) => o.c.query === k.query && (k.bindVars === undefined || deepEqual(k.bindVars, o.c.bindVars)));
      return matching.length === 0 || matching.every((o) => o.pass);
    });
    expect(stale.map((k) => k.query)).toEqual([]);
  });
});
