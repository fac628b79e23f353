import { describe, expect, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { executeQuery } from '../../src/query/index.js';

const run = (q: string, bind: Record<string, unknown> = {}): unknown[] => executeQuery(q, bind, null).result;

describe('evaluator semantics', () => {
  it('follows the AQL type order and equality rules', () => {
    expect(run('RETURN [null < false, false < true, true < -1, 1 < "", "a" < "B", "A" < "a", [] < {}, [1] == [1, null], {} == {a: null}]'))
      .toEqual([[true, true, true, true, true, true, true, true, true]]);
    expect(run('RETURN [0 == null, 65 != "65", 1 IN [1], "a" IN "abc", 1 NOT IN null]')).toEqual([[false, true, true, false, true]]);
  });

  it('implements truthiness and operand-returning logical operators', () => {
    expect(run('RETURN [1 || 7, null || "foo", null && true, true && 23, !"", ![] , 0 ?: "d", 2 ? "t" : "f"]'))
      .toEqual([[1, 'foo', null, 23, true, false, 'd', 't']]);
  });

  it('coerces arithmetic operands and warns on division by zero', () => {
    expect(run('RETURN [1 + "99", "foo" + "bar", 24 + [2], 24 + [2, 4], -7 % 4, 1e308 * 10]')).toEqual([[100, 0, 26, 24, -3, null]]);
    const r = executeQuery('RETURN 1 / 0', {}, null);
    expect(r.result).toEqual([null]);
    expect(r.warnings.map((w) => w.code)).toEqual([1562]);
  });

  it('evaluates ranges, expansions, inline filters and quantifiers', () => {
    expect(run('RETURN 1.5..4.76')).toEqual([[1, 2, 3, 4]]);
    expect(run('RETURN [[1, 2], [3]][**]')).toEqual([[1, 2, 3]]);
    expect(run('RETURN [{a: [{b: 1}, {b: 2}]}, {a: [{b: 3}]}][*].a[*].b')).toEqual([[[1, 2], [3]]]);
    expect(run('RETURN [1, 2, 3, 4, 5][* FILTER CURRENT > 1 LIMIT 1, 2 RETURN CURRENT * 10]')).toEqual([[30, 40]]);
    expect(run('RETURN [[1, 2, 3] ALL IN [2, 3, 4], [1, 2] ANY == 2, [] ALL > 1, [1] NONE < 0]')).toEqual([[false, true, true, true]]);
  });

  it('supports LIKE, regex operators and NOT LIKE', () => {
    expect(run('RETURN ["abc" LIKE "a%", "a_b" LIKE "a\\\\_b", "abc" NOT LIKE "b%", "foo" =~ "^f[o].$", "foo" !~ "x"]'))
      .toEqual([[true, true, true, true, true]]);
  });

  it('runs FOR/FILTER/SORT/LIMIT/LET pipelines and subqueries', () => {
    expect(run('FOR i IN 1..10 FILTER i % 2 == 0 SORT i DESC LIMIT 1, 2 RETURN i')).toEqual([8, 6]);
    expect(run('FOR a IN [1, 2] FOR b IN [10, 20] RETURN a + b')).toEqual([11, 21, 12, 22]);
    expect(run('LET xs = (FOR i IN 1..3 RETURN i * i) RETURN SUM(xs)')).toEqual([14]);
    expect(run('FOR x IN [3, 1, 3, 2, 1] RETURN DISTINCT x')).toEqual([3, 1, 2]);
  });

  it('groups with COLLECT, INTO, AGGREGATE, WITH COUNT INTO and KEEP', () => {
    const data = '[{c: "b", v: 1}, {c: "a", v: 2}, {c: "b", v: 3}]';
    expect(run(`FOR d IN ${data} COLLECT c = d.c WITH COUNT INTO n RETURN [c, n]`)).toEqual([['a', 1], ['b', 2]]);
    expect(run(`FOR d IN ${data} COLLECT c = d.c AGGREGATE s = SUM(d.v), m = MAX(d.v) RETURN {c, s, m}`))
      .toEqual([{ c: 'a', s: 2, m: 2 }, { c: 'b', s: 4, m: 3 }]);
    expect(run(`FOR d IN ${data} LET w = d.v * 2 COLLECT c = d.c INTO g KEEP w RETURN g`)).toEqual([[{ w: 4 }], [{ w: 2 }, { w: 6 }]]);
    expect(run(`FOR d IN ${data} COLLECT c = d.c INTO g = d.v RETURN g`)).toEqual([[2], [1, 3]]);
    expect(run('FOR d IN [] COLLECT WITH COUNT INTO n RETURN n')).toEqual([0]);
    expect(run('FOR d IN [] COLLECT AGGREGATE s = SUM(d), m = MIN(d) RETURN [s, m]')).toEqual([[0, null]]);
  });

  it('collects function warnings instead of failing', () => {
    const r = executeQuery('RETURN [MERGE({}, null), MIN(null), DATE_ISO8601("x"), REGEX_TEST("a", "[")]', {}, null);
    expect(r.result).toEqual([[null, null, null, null]]);
    expect(r.warnings.map((w) => w.code)).toEqual([1542, 1563, 1572, 1543]);
  });

  it('enforces resource limits with GdnErrors', () => {
    const codeOf = (q: string): number | undefined => {
      try {
        executeQuery(q, {}, null, { limits: { maxSteps: 10_000 } });
      } catch (e) {
        return isGdnError(e) ? e.errorNum : -1;
      }
      return undefined;
    };
    expect(codeOf('RETURN RANGE(1, 100000000)')).toBe(1504);
    expect(codeOf('FOR i IN 1..1000 FOR j IN 1..1000 RETURN 1')).toBe(1500);
  });

  it('computes fullCount before the last LIMIT', () => {
    const r = executeQuery('FOR i IN 1..10 LIMIT 2 RETURN i', {}, null, { fullCount: true });
    expect(r.result).toEqual([1, 2]);
    expect(r.stats.fullCount).toBe(10);
  });
});
