import { expect } from 'vitest';
import { deepEqual, unorderedEqual } from '../../helpers/values.js';
import type { QueryCase } from './case.js';

/** What running a query gave: its result and warning codes, or the errorNum it failed with. */
export type Outcome = { result: unknown[]; warnings: number[] } | { errorNum: number; message: string };

export function caseTitle(c: QueryCase): string {
  const text = c.query.replace(/\s+/g, ' ').trim() || JSON.stringify(c.query);
  return c.bind === undefined ? text : `${text} ${JSON.stringify(c.bind)}`;
}

function expectResult(expected: unknown[], o: Outcome, unordered: boolean, where: string): void {
  if ('errorNum' in o) expect.fail(`${where}: unexpected error ${o.errorNum}: ${o.message}`);
  const same = unordered ? unorderedEqual(o.result, expected) : deepEqual(o.result, expected);
  if (!same) expect(o.result, where).toEqual(expected);
}

/** Checks an outcome against the case: errorNum, or result (1e-12 tolerance, key order ignored) and exact warning codes. */
export function expectOutcome(c: QueryCase, o: Outcome, where: string, then?: Outcome): void {
  if (c.error !== undefined) {
    expect('errorNum' in o ? o.errorNum : `a result: ${JSON.stringify(o.result)}`, where).toBe(c.error);
    return;
  }
  expectResult(c.expected ?? [], o, c.unordered ?? false, where);
  if (!('errorNum' in o)) expect(o.warnings, `${where}: warning codes`).toEqual(c.warnings ?? []);
  if (c.then && then) expectResult(c.then.expected, then, false, `${where}, then ${c.then.query}`);
}

/** Whether a case writes, so the data it ran on must be laid anew for the next one. */
export function writes(c: QueryCase): boolean {
  return /\b(INSERT|UPDATE|REPLACE|REMOVE|UPSERT)\b/i.test(c.query);
}
