import { describe, expect, it } from 'vitest';
import { parseTopology, TopologyError } from '../../src/topology/index.js';

/** A valid two-region file; tests edit single lines so the expected line numbers stay obvious. */
const BASE = [
  'name: t', //                       1
  'regions:', //                      2
  '  - name: gdn-a', //               3
  '    city: A', //                   4
  '    country: US', //               5
  '    countryName: United States', // 6
  '    lat: 0', //                    7
  '    lon: 0', //                    8
  '    port: 8531', //                9
  '  - name: gdn-b', //               10
  '    city: B', //                   11
  '    country: DE', //               12
  '    countryName: Germany', //      13
  '    lat: 50', //                   14
  '    lon: 8', //                    15
  '    port: 8532', //                16
];
const LATENCY = ['latency:', '  - between: [gdn-a, gdn-b]', '    rttMs: 10', '    jitterMs: 1', '    source: s'];

function edit(changes: Record<number, string | null>, extra: string[] = []): string {
  const lines = BASE.flatMap((l, i) => {
    const c = changes[i + 1];
    return c === undefined ? [l] : c === null ? [] : [c];
  });
  return [...lines, ...extra].join('\n') + '\n';
}

function failure(text: string): TopologyError {
  try {
    parseTopology(text, 't.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(TopologyError);
    return err as TopologyError;
  }
  throw new Error('expected a TopologyError');
}

function expectAt(err: TopologyError, line: number, column: number, key: string): void {
  expect({ file: err.file, line: err.line, column: err.column, key: err.key }).toEqual({ file: 't.yaml', line, column, key });
  expect(err.message.startsWith(key ? `t.yaml:${line}:${column}: ${key}: ` : `t.yaml:${line}:${column}: `)).toBe(true);
}

describe('parseTopology errors', () => {
  it('accepts the base text', () => {
    expect(parseTopology(edit({}), 't.yaml').regions).toHaveLength(2);
  });

  it('names an unknown key and lists the allowed ones', () => {
    const err = failure(edit({ 9: '    port: 8531\n    colour: red' }));
    expectAt(err, 10, 5, 'regions[0].colour');
    expect(err.reason).toContain('unknown key "colour"');
    expect(err.reason).toContain('countryName');
  });

  it('names an unknown top-level key', () => {
    expectAt(failure(edit({ 1: 'nmae: t' })), 1, 1, 'nmae');
  });

  it('names a wrong type', () => {
    expectAt(failure(edit({ 14: '    lat: north' })), 14, 5, 'regions[1].lat');
  });

  it('names an out-of-range value', () => {
    expectAt(failure(edit({ 16: '    port: 70000' })), 16, 5, 'regions[1].port');
  });

  it('names a bad region name', () => {
    const err = failure(edit({ 10: '  - name: GDN_B' }));
    expectAt(err, 10, 5, 'regions[1].name');
    expect(err.reason).toContain('lowercase');
  });

  it('reports a missing key at its parent entry', () => {
    const err = failure(edit({ 11: null }));
    expectAt(err, 10, 5, 'regions[1].city');
    expect(err.reason).toBe('missing required key "city"');
  });

  it('reports a missing top-level key at the start of the file', () => {
    const err = failure('name: t\n');
    expectAt(err, 1, 1, 'regions');
    expect(err.reason).toBe('missing required key "regions"');
  });

  it('names a duplicate region name', () => {
    const err = failure(edit({ 10: '  - name: gdn-a' }));
    expectAt(err, 10, 5, 'regions[1].name');
    expect(err.reason).toBe('duplicate region name "gdn-a" (also regions[0])');
  });

  it('takes an https port for the front door, and names its clashes and unknown keys', () => {
    expect(parseTopology(edit({}, ['https:', '  port: 8443']), 't.yaml').https).toEqual({ port: 8443 });
    expect(parseTopology(edit({}), 't.yaml').https).toBeUndefined();
    expect(failure(edit({ 16: '    port: 8443' }, ['https:', '  port: 8443'])).reason).toBe('duplicate port 8443 (also used by https.port)');
    expect(failure(edit({}, ['global:', '  port: 8443', 'https:', '  port: 8443'])).reason).toBe('duplicate port 8443 (also used by global.port)');
    const err = failure(edit({}, ['https:', '  port: 8443', '  prot: 8443']));
    expect(err.key).toBe('https.prot');
    expect(err.reason).toContain('allowed: port');
  });

  it("refuses region names the front door's host names take: gdn and api-*", () => {
    for (const name of ['gdn', 'api-east']) {
      const err = failure(edit({ 10: `  - name: ${name}` }));
      expectAt(err, 10, 5, 'regions[1].name');
      expect(err.reason).toContain("front door's host names");
    }
  });

  it('names a duplicate port and its other owner', () => {
    const err = failure(edit({ 16: '    port: 8531' }));
    expectAt(err, 16, 5, 'regions[1].port');
    expect(err.message).toBe('t.yaml:16:5: regions[1].port: duplicate port 8531 (also used by gdn-a)');
  });

  it('treats port 0 as "any free port", never a duplicate', () => {
    expect(() => parseTopology(edit({ 9: '    port: 0', 16: '    port: 0' }), 't.yaml')).not.toThrow();
  });

  it('names a region port that clashes with the global port', () => {
    const err = failure(edit({ 1: 'name: t\nglobal:\n  port: 8532' }));
    expectAt(err, 18, 5, 'regions[1].port');
    expect(err.reason).toBe('duplicate port 8532 (also used by global.port)');
  });

  it('names an unknown region in a latency entry', () => {
    const err = failure(edit({}, [LATENCY[0]!, '  - between: [gdn-a, gdn-x]', ...LATENCY.slice(2)]));
    expectAt(err, 18, 22, 'latency[0].between[1]');
    expect(err.reason).toBe('unknown region "gdn-x" (known: gdn-a, gdn-b)');
  });

  it('names a latency entry without a source', () => {
    const err = failure(edit({}, LATENCY.slice(0, 4)));
    expectAt(err, 18, 5, 'latency[0].source');
  });

  it('names a duplicate link, in either order', () => {
    const err = failure(edit({}, [...LATENCY, '  - between: [gdn-b, gdn-a]', ...LATENCY.slice(2)]));
    expectAt(err, 22, 5, 'latency[1].between');
    expect(err.reason).toBe('duplicate link gdn-a|gdn-b (also latency[0])');
  });

  it('reports a YAML syntax error where the parser notices it', () => {
    // The unclosed flow sequence on line 12 is only detectable at the next line's key.
    const err = failure(edit({ 12: '    country: [DE' }));
    expectAt(err, 13, 5, '');
    expect(err.reason).toMatch(/^YAML syntax error: Flow sequence/);
  });

  it('reports a duplicate YAML key at the second occurrence', () => {
    const err = failure(edit({ 5: '    country: US\n    city: A2' }));
    expect([err.line, err.column]).toEqual([6, 5]);
    expect(err.reason).toMatch(/^YAML syntax error: .*unique/);
  });

  it('reports an empty file at 1:1', () => {
    expectAt(failure(''), 1, 1, '(root)');
  });

  it('reports the first problem in the file when there are several', () => {
    expectAt(failure(edit({ 7: '    lat: x', 15: '    lon: y', 1: 'nmae: t' })), 1, 1, 'nmae');
  });
});
