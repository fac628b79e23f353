import { describe, expect, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { parse } from '../../src/query/index.js';

function failure(q: string): { errorNum: number; status: number; message: string } {
  try {
    parse(q);
  } catch (e) {
    if (isGdnError(e)) return { errorNum: e.errorNum, status: e.status, message: e.message };
    throw e;
  }
  throw new Error(`no error for ${q}`);
}

/** Syntax C8QL has and fabric-emu cannot run: 501 / errorNum 9 with the feature and its position. */
describe('C8QL the engine cannot run yet', () => {
  it.each([
    ["FOR v, e, p IN 1..2 OUTBOUND 'a/b' edges RETURN v", 'graph traversal (OUTBOUND)', '1:21'],
    ["FOR v IN INBOUND 'a/b' edges RETURN v", 'graph traversal (INBOUND)', '1:10'],
    ["FOR v IN 1..3 ANY 'a/b' edges RETURN v", 'graph traversal (ANY)', '1:15'],
    ["FOR v, e IN OUTBOUND 'a/b' GRAPH 'social' RETURN e", 'graph traversal (OUTBOUND)', '1:13'],
    ["FOR v IN OUTBOUND @start OUTBOUND e1, INBOUND 'e2', @@e3 PRUNE v.x == 1 OPTIONS { bfs: true } RETURN v", 'graph traversal (OUTBOUND)', '1:10'],
    ["WITH people\nFOR v IN ANY SHORTEST_PATH 'p/a' TO 'p/b' knows RETURN v", 'SHORTEST_PATH (ANY)', '2:14'],
    ["FOR p IN OUTBOUND K_SHORTEST_PATHS 'p/a' TO 'p/b' GRAPH @g LIMIT 3 RETURN p", 'K_SHORTEST_PATHS (OUTBOUND)', '1:19'],
    ['FOR d IN view SEARCH d.text == "x" RETURN d', 'SEARCH (ArangoSearch views)', '1:15'],
    ['FOR d IN places FILTER d._key IN (FOR n IN WITHIN_RECTANGLE(places, 0, 0, 1, 1) RETURN n._key) RETURN d', 'function WITHIN_RECTANGLE()', '1:44'],
    ['RETURN MY::DOUBLE(2)', 'user-defined function MY::DOUBLE()', '1:8'],
  ])('%s', (query, feature, position) => {
    const f = failure(query);
    expect([f.errorNum, f.status]).toEqual([9, 501]);
    expect(f.message).toContain(`${feature} is not supported yet by fabric-emu`);
    expect(f.message).toContain(`at position ${position}`);
  });

  it('reports a real syntax error in a graph query as one (1501), not as unsupported', () => {
    expect(failure("FOR v IN 1..2 OUTBOUND 'a/b' RETURN v").errorNum).toBe(1501);
    expect(failure("FOR v IN OUTBOUND SHORTEST_PATH 'a' 'b' e RETURN v").errorNum).toBe(1501);
    expect(failure("FOR v IN OUTBOUND 'a/b' edges RETURN").errorNum).toBe(1501);
    expect(failure('FOR d IN v SEARCH RETURN d').errorNum).toBe(1501);
  });

  it('refuses more variables than a form allows', () => {
    expect(failure('FOR a, b IN [1, 2] RETURN a').message).toContain('only allow a single return variable');
    expect(failure("FOR a, b, c IN OUTBOUND SHORTEST_PATH 'x/1' TO 'x/2' e RETURN a").message).toContain('SHORTEST_PATH only allows up to 2 return variables');
    expect(failure("FOR a, b, c, d IN OUTBOUND 'x/1' e RETURN a").errorNum).toBe(1501);
  });

  it('keeps ANY a quantifier where a comparison follows', () => {
    expect(parse('FOR x IN [1, 2] ANY == 1 ? [3] : [4] RETURN x').statements[0]?.type).toBe('for');
    expect(failure("RETURN [1] ANY 'x'").errorNum).toBe(1501);
  });
});
