import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REGIONS_YAML,
  defaultTopology,
  linkKey,
  loadTopologyFile,
  presetTopology,
  PRESETS,
  TopologyError,
  type Topology,
} from '../../src/topology/index.js';

const REPO_REGIONS = fileURLToPath(new URL('../../regions.yaml', import.meta.url));

function expectAllPairs(t: Topology): void {
  const names = t.regions.map((r) => r.name);
  const expected = names.flatMap((a, i) => names.slice(i + 1).map((b) => linkKey(a, b)));
  expect(Object.keys(t.links).sort()).toEqual(expected.sort());
  for (const key of Object.keys(t.links)) {
    const [a, b] = key.split('|');
    expect(a! < b!).toBe(true);
  }
}

describe('default topology', () => {
  it('embeds exactly the repo regions.yaml', () => {
    expect(readFileSync(REPO_REGIONS, 'utf8')).toBe(DEFAULT_REGIONS_YAML);
  });

  it('has the four seed-era PoPs on stable ports', () => {
    const t = defaultTopology();
    expect(t.source).toBe('embedded default');
    expect(t.name).toBe('seed-4');
    expect(t.global.port).toBe(8530);
    expect(t.https).toEqual({ port: 8443 });
    expect(t.regions.map((r) => [r.name, r.city, r.country, r.port])).toEqual([
      ['gdn-us-west', 'The Dalles', 'US', 8531],
      ['gdn-us-east', 'Ashburn', 'US', 8532],
      ['gdn-eu-central', 'Frankfurt', 'DE', 8533],
      ['gdn-ap-west', 'Mumbai', 'IN', 8534],
    ]);
  });

  it('gives every link a published or estimated figure with its source', () => {
    const t = defaultTopology();
    expectAllPairs(t);
    expect(Object.keys(t.links)).toHaveLength(6);
    for (const p of Object.values(t.links)) {
      expect(p.derived).toBe(false);
      expect(p.source.length).toBeGreaterThan(10);
    }
    expect(t.links[linkKey('gdn-us-east', 'gdn-eu-central')]?.rttMs).toBe(90);
    expect(t.links[linkKey('gdn-us-west', 'gdn-ap-west')]?.source).toMatch(/^estimate:/);
  });

  it('hands out independent copies', () => {
    const a = defaultTopology();
    a.regions[0]!.port = 1;
    expect(defaultTopology().regions[0]!.port).toBe(8531);
  });

  it('loads the same from the file as from the embedded text', () => {
    const t = loadTopologyFile(REPO_REGIONS);
    expect(t.source).toBe(REPO_REGIONS);
    expect({ ...t, source: '' }).toEqual({ ...defaultTopology(), source: '' });
  });

  it('names the file it cannot read', () => {
    expect(() => loadTopologyFile('/nonexistent/regions.yaml')).toThrow(TopologyError);
    expect(() => loadTopologyFile('/nonexistent/regions.yaml')).toThrow(/^\/nonexistent\/regions\.yaml: cannot read/);
  });
});

describe('presets', () => {
  it('lists seed-4 and global-25', () => {
    expect(PRESETS).toEqual(['seed-4', 'global-25']);
  });

  it('seed-4 is the default topology', () => {
    const t = presetTopology('seed-4');
    expect(t.source).toBe('preset:seed-4');
    expect({ ...t, source: '' }).toEqual({ ...defaultTopology(), source: '' });
  });

  it('global-25 has 25 PoPs on free ports and derives the unlisted pairs', () => {
    const t = presetTopology('global-25');
    expect(t.source).toBe('preset:global-25');
    expect(t.regions).toHaveLength(25);
    expect(new Set(t.regions.map((r) => r.name)).size).toBe(25);
    expect(t.regions.every((r) => r.port === 0) && t.global.port === 0).toBe(true);
    expectAllPairs(t);
    const links = Object.values(t.links);
    expect(links).toHaveLength(300);
    const derived = links.filter((p) => p.derived);
    expect(derived).toHaveLength(285);
    for (const p of derived) expect(p.source).toMatch(/^derived: great-circle \d+ km/);
    expect(t.links[linkKey('gdn-eu-northwest', 'gdn-eu-central')]).toMatchObject({ rttMs: 19.6, derived: false });
  });

  it('rejects an unknown preset and lists the known ones', () => {
    expect(() => presetTopology('moon')).toThrow(TopologyError);
    expect(() => presetTopology('moon')).toThrow('unknown preset "moon" (known: seed-4, global-25)');
  });
});
