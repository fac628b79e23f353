import { describe, expect, it } from 'vitest';
import {
  defaultTopology,
  deriveRtt,
  INTRA_REGION_PROFILE,
  linkProfile,
  nearestRegion,
  OVERHEAD_MS,
  presetTopology,
} from '../../src/topology/index.js';

const ASHBURN = { lat: 39.0438, lon: -77.4874 };

describe('deriveRtt', () => {
  // Published round trips from spec/latency.md (AWS inter-region matrix 2017, GCP, cloudping).
  // AWS us-east-1<->us-west-2 (87 ms) is left out: its route is far longer than the GCP path.
  it.each([
    ['Ashburn-Frankfurt', ASHBURN, { lat: 50.1109, lon: 8.6821 }, 88.7],
    ['Ashburn-The Dalles (GCP 64, cloudping 66)', ASHBURN, { lat: 45.5946, lon: -121.1787 }, 65],
    ['Ashburn-Dublin', ASHBURN, { lat: 53.3498, lon: -6.2603 }, 80.5],
    ['Ashburn-Tokyo', ASHBURN, { lat: 35.6865, lon: 139.7458 }, 145.3],
    ['Ashburn-Singapore', ASHBURN, { lat: 1.3521, lon: 103.8198 }, 216.7],
    ['Ashburn-Sydney', ASHBURN, { lat: -33.8688, lon: 151.2093 }, 230],
    ['Ashburn-Sao Paulo', ASHBURN, { lat: -23.5505, lon: -46.6333 }, 119.5],
    ['Dublin-Frankfurt', { lat: 53.3498, lon: -6.2603 }, { lat: 50.1109, lon: 8.6821 }, 19.6],
  ])('%s is within 25%% of the published figure', (_name, a, b, published) => {
    const rtt = deriveRtt(a, b);
    expect(rtt).toBeGreaterThan(published * 0.75);
    expect(rtt).toBeLessThan(published * 1.25);
  });

  it('is symmetric and is only overhead at zero distance', () => {
    const b = { lat: -33.8688, lon: 151.2093 };
    expect(deriveRtt(ASHBURN, b)).toBe(deriveRtt(b, ASHBURN));
    expect(deriveRtt(ASHBURN, ASHBURN)).toBe(OVERHEAD_MS);
  });
});

describe('linkProfile', () => {
  it('is symmetric', () => {
    const t = presetTopology('global-25');
    for (const [a, b] of [['gdn-us-east', 'gdn-eu-central'], ['gdn-ap-seoul', 'gdn-sa-west']] as const) {
      expect(linkProfile(t, a, b)).toEqual(linkProfile(t, b, a));
    }
  });

  it('gives the intra-region profile for a region and itself', () => {
    const p = linkProfile(defaultTopology(), 'gdn-us-east', 'gdn-us-east');
    expect(p).toEqual(INTRA_REGION_PROFILE);
    expect(p.rttMs).toBeLessThan(1);
  });

  it('rejects an unknown region', () => {
    expect(() => linkProfile(defaultTopology(), 'gdn-us-east', 'gdn-moon')).toThrow(/unknown region "gdn-moon"/);
  });
});

describe('nearestRegion', () => {
  it.each([
    [{ lat: 47.6062, lon: -122.3321 }, 'gdn-us-west'], // Seattle
    [{ lat: 40.7128, lon: -74.006 }, 'gdn-us-east'], // New York
    [{ lat: 48.8566, lon: 2.3522 }, 'gdn-eu-central'], // Paris
    [{ lat: 12.9716, lon: 77.5946 }, 'gdn-ap-west'], // Bangalore
  ])('routes %o to %s in seed-4', (from, name) => {
    expect(nearestRegion(defaultTopology(), from).name).toBe(name);
  });

  it('routes Paris to London in global-25', () => {
    expect(nearestRegion(presetTopology('global-25'), { lat: 48.8566, lon: 2.3522 }).name).toBe('gdn-eu-west');
  });
});
