import { parseTopology, type Topology } from '../../src/index.js';

/** A small two-or-more-region topology on free ports, with exact (jitter-free) delays. */
export function testTopology(opts: { accessMs?: number; linkMs?: number; jitterMs?: number; regions?: number } = {}): Topology {
  const cities = [
    ['r-east', 'Ashburn', 'US', 'United States', 39.04, -77.49],
    ['r-eu', 'Frankfurt', 'DE', 'Germany', 50.11, 8.68],
    ['r-ap', 'Mumbai', 'IN', 'India', 19.08, 72.88],
    ['r-west', 'The Dalles', 'US', 'United States', 45.59, -121.18],
  ].slice(0, opts.regions ?? 2);
  const regions = cities
    .map(([name, city, country, countryName, lat, lon]) => `  - { name: ${name}, city: ${city}, country: ${country}, countryName: ${countryName}, lat: ${lat}, lon: ${lon}, port: 0 }`)
    .join('\n');
  const links: string[] = [];
  for (let i = 0; i < cities.length; i++)
    for (let j = i + 1; j < cities.length; j++)
      links.push(`  - { between: [${cities[i]![0]}, ${cities[j]![0]}], rttMs: ${opts.linkMs ?? 100}, jitterMs: ${opts.jitterMs ?? 0}, distribution: ${opts.jitterMs ? 'uniform' : 'constant'}, source: test }`);
  return parseTopology(
    `name: test\nglobal: { port: 0 }\naccess: { rttMs: ${opts.accessMs ?? 10}, jitterMs: 0, distribution: constant, source: test }\nregions:\n${regions}\nlatency:\n${links.join('\n')}\n`,
    'test-topology.yaml',
  );
}
