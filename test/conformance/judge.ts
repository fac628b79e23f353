import { readFileSync } from 'node:fs';
import { deepEqual, unorderedEqual } from '../helpers/values.js';
import type { Case } from './corpus.js';

export interface Outcome {
  pass: boolean;
  detail: string;
}

/** What running a case gave: its result and warning codes, or the errorNum it failed with. */
export type Run = { result: unknown[]; warnings: number[] } | { errorNum: number; message: string };

/** Judges a run of a case by the comparison rules of spec/c8ql.md §5.2. */
export function judge(c: Case, run: Run): Outcome {
  if ('errorNum' in run) {
    if (c.errorNum !== undefined) {
      return { pass: run.errorNum === c.errorNum, detail: `expected error ${c.errorNum}, got ${run.errorNum}: ${run.message}` };
    }
    return { pass: false, detail: `unexpected error ${run.errorNum}: ${run.message}` };
  }
  if (c.errorNum !== undefined) return { pass: false, detail: `expected error ${c.errorNum}, got result ${JSON.stringify(run.result)}` };
  const expected = c.expected ?? [];
  const ok = c.file === 'unordered-cases.jsonl' ? unorderedEqual(run.result, expected) : deepEqual(run.result, expected);
  if (!ok) return { pass: false, detail: `expected ${JSON.stringify(expected)}, got ${JSON.stringify(run.result)}` };
  const missing = (c.warnings ?? []).filter((w) => !run.warnings.includes(w));
  if (missing.length > 0) return { pass: false, detail: `missing warnings ${missing.join(',')}, got ${run.warnings.join(',')}` };
  return { pass: true, detail: '' };
}

interface KnownFailure {
  query: string;
  bindVars?: Record<string, unknown>;
  reason: string;
}

type Listed = { query: string; bindVars?: Record<string, unknown> };

/**
 * A known-failures file beside this one: `reason` is why a case is listed (null when it must pass);
 * `unmatched` names the entries that match no case of the corpus, so a stale entry fails the run too.
 */
export function knownFailures(file: string): { reason: (c: Listed) => string | null; unmatched: (cases: Listed[]) => string[] } {
  const list = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as KnownFailure[];
  const matches = (k: KnownFailure, c: Listed): boolean => k.query === c.query && (k.bindVars === undefined || deepEqual(k.bindVars, c.bindVars ?? {}));
  return {
    reason: (c) => list.find((k) => matches(k, c))?.reason ?? null,
    unmatched: (cases) => list.filter((k) => !cases.some((c) => matches(k, c))).map((k) => k.query),
  };
}

const c8ql = knownFailures('./known-failures.json');
export const knownFailure = c8ql.reason;
export const unmatchedKnownFailures = c8ql.unmatched;
