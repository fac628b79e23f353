import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, formatIssues } from '../../src/core/zod-issues.js';
import { FabricOptionsError, FixtureError, parseTopology, readManifest, startFabric, TopologyError, type FabricOptions } from '../../src/index.js';
import { TEST_SECRET, testRegion, type TestRegion } from '../helpers/client.js';
import { testTopology } from '../helpers/topology.js';

/**
 * One formatter for zod issues: the same mistake reads the same in regions.yaml, a fixture manifest,
 * a request body and startFabric() options, as `key.path: reason`.
 */
const REGION = ['name: t', 'regions:', '  - name: gdn-a', '    city: A', '    country: US', '    countryName: United States', '    lat: 0', '    lon: 0', '    port: 0'];

function topologyReason(lines: string[]): string {
  try {
    parseTopology(lines.join('\n') + '\n', 't.yaml');
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    return `${e.key}: ${e.reason}`;
  }
  throw new Error('expected a TopologyError');
}

let dir: string;
function manifestReason(yaml: string): string {
  writeFileSync(join(dir, 'fixture.yaml'), yaml);
  try {
    readManifest(dir);
  } catch (e) {
    if (!(e instanceof FixtureError)) throw e;
    return `${e.key}: ${e.reason}`;
  }
  throw new Error('expected a FixtureError');
}

async function optionsReason(opts: unknown): Promise<string> {
  try {
    await (await startFabric(opts as FabricOptions)).close();
  } catch (e) {
    if (!(e instanceof FabricOptionsError)) throw e;
    return e.message.replace(/^startFabric\(\): invalid options: /, '');
  }
  throw new Error('expected a FabricOptionsError');
}

let t: TestRegion;
async function requestReason(body: unknown): Promise<string> {
  const r = await t.client.put('/_emu/region/links/gdn-us-east', body, { headers: { 'x-fabric-emu-secret': TEST_SECRET } });
  expect(r.body).toMatchObject({ error: true, code: 400, errorNum: 10 });
  return r.body.errorMessage as string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fabric-emu-issues-'));
  t = await testRegion();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

describe('the same mistake reads the same everywhere zod validates', () => {
  it('an unknown key lists the allowed ones', async () => {
    const shape = /^(?<key>[\w.[\]]*colour): unknown key "colour" \(allowed: (?<allowed>[\w, ]+)\)$/;
    const texts = {
      topology: topologyReason([...REGION, '    colour: red']),
      manifest: manifestReason('version: 1\ncollections:\n  - name: c\n    colour: red\n'),
      request: await requestReason({ cut: false, colour: 'red' }),
      options: await optionsReason({ topology: testTopology(), colour: 'red' }),
    };
    const keys = Object.fromEntries(Object.entries(texts).map(([where, text]) => [where, shape.exec(text)?.groups?.['key']]));
    expect(keys).toEqual({ topology: 'regions[0].colour', manifest: 'collections[0].colour', request: 'body.colour', options: 'colour' });
    expect(shape.exec(texts.request)?.groups?.['allowed']).toBe('cut, rttMs, jitterMs, lossRate');
  });

  it('a wrong type says what was expected and what came', async () => {
    const reason = 'Invalid input: expected boolean, received string';
    expect(topologyReason([...REGION.slice(0, 6), '    lat: north', ...REGION.slice(7)])).toBe('regions[0].lat: Invalid input: expected number, received string');
    expect(manifestReason('version: 1\ncollections:\n  - name: c\n    isLocal: "yes"\n')).toBe(`collections[0].isLocal: ${reason}`);
    expect(await requestReason({ cut: 'yes' })).toBe(`body.cut: ${reason}`);
    expect(await optionsReason({ topology: testTopology(), latency: 'yes' })).toBe(`latency: ${reason}`);
  });

  it('a missing key is named as missing', async () => {
    expect(topologyReason(REGION.filter((l) => !l.includes('city')))).toBe('regions[0].city: missing required key "city"');
    expect(manifestReason('version: 1\ncollections:\n  - type: edge\n')).toBe('collections[0].name: missing required key "name"');
    expect(await requestReason({ rttMs: 5 })).toBe('body.cut: missing required key "cut"');
    // startFabric() needs no topology (the default one), but a topology given needs its regions.
    expect(await optionsReason({ topology: { name: 'no-regions' }, latency: false })).toContain('topology.regions: missing required key "regions"');
  });
});

describe('formatIssues', () => {
  const S = z.strictObject({ a: z.object({ b: z.number() }), c: z.union([z.string(), z.array(z.string())]).optional() });
  const text = (v: unknown, at?: string) => {
    const r = S.safeParse(v);
    if (r.success) throw new Error('expected a failure');
    return formatIssues(r.error.issues, S, v, at);
  };

  it('joins issues on one line, prefixed by what the root is', () => {
    expect(text({ a: { b: 'x' }, d: 1 }, 'body')).toBe('body.a.b: Invalid input: expected number, received string; body.d: unknown key "d" (allowed: a, c)');
  });

  it('names a root of the wrong type with the keys it should have', () => {
    expect(text(42)).toBe('(root): expected an object with the keys a, c, got number 42');
    expect(text(null, 'body')).toBe('body: expected an object with the keys a, c, got null');
  });

  it('says which types a union takes', () => {
    expect(text({ a: { b: 1 }, c: 5 })).toBe('c: expected string or an array, got number 5');
  });

  it('tells a missing key from a wrong one by the input', () => {
    const r = S.safeParse({});
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!.issues, S, {})).toEqual([{ path: ['a'], key: 'a', reason: 'missing required key "a"', missing: true }]);
  });
});
