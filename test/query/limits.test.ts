import { describe, expect, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { executeQuery, QuerySliceExceeded, type ExecuteOptions } from '../../src/query/index.js';

function failure(q: string, options: ExecuteOptions): unknown {
  try {
    executeQuery(q, {}, null, options);
  } catch (e) {
    return e;
  }
  return undefined;
}

function errorNum(q: string, options: ExecuteOptions): number | undefined {
  const e = failure(q, options);
  return isGdnError(e) ? e.errorNum : undefined;
}

/** Far more work than any limit below lets through: a query that ignored its limits would not end. */
const ENDLESS = 'FOR i IN 1..100000 FOR j IN 1..100000 RETURN 1';

describe('query resource limits', () => {
  it('stops a query past its time limit with 1500', () => {
    const e = failure(ENDLESS, { limits: { timeoutMs: 20, maxSteps: Infinity } });
    expect(isGdnError(e) && e.errorNum).toBe(1500);
    expect((e as Error).message).toContain('time limit');
  });

  it('checks the time inside one long function call, not only between rows', () => {
    // One LIKE call of about a billion matcher steps (the last % restarts a million times).
    const q = 'RETURN LIKE(REPEAT("a", 1000000), CONCAT("%", REPEAT("a", 1000), "b"))';
    expect(errorNum(q, { limits: { timeoutMs: 50 } })).toBe(1500);
  });

  it('stops a query whose results outgrow the memory limit with 32', () => {
    const q = 'FOR i IN 1..20000 RETURN CONCAT("row ", i, " ", REPEAT("x", 100))';
    expect(errorNum(q, { limits: { memoryLimit: 1_000_000 } })).toBe(32);
    expect(executeQuery(q, {}, null).result).toHaveLength(20000);
  });

  it('counts SORT buffers and single large values against the memory limit', () => {
    expect(errorNum('FOR i IN 1..20000 SORT i DESC LIMIT 1 RETURN i', { limits: { memoryLimit: 1_000_000 } })).toBe(32);
    expect(errorNum('RETURN LENGTH(REPEAT("x", 2000000))', { limits: { memoryLimit: 1_000_000 } })).toBe(32);
    expect(executeQuery('RETURN LENGTH(REPEAT("x", 2000000))', {}, null).result).toEqual([2000000]);
  });

  it('answers 1500 "query killed" once its kill switch is set', () => {
    let checks = 0;
    const e = failure(ENDLESS, { limits: { maxSteps: Infinity }, control: { killed: () => ++checks > 3 } });
    expect(isGdnError(e) && e.errorNum).toBe(1500);
    expect((e as Error).message).toBe('query killed');
  });

  it('yields with QuerySliceExceeded past its slice, which is not a query error', () => {
    const e = failure(ENDLESS, { limits: { maxSteps: Infinity }, control: { sliceMs: 5 } });
    expect(e).toBeInstanceOf(QuerySliceExceeded);
    expect(executeQuery('FOR i IN 1..10 RETURN i', {}, null, { control: { sliceMs: 5_000 } }).result).toHaveLength(10);
  });
});
